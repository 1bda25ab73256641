/* location_table.h: CPython 3.11's location table (co_linetable), decoded
 * from its bytes alone: the line of a byte offset into a code object's
 * instructions, as PyCode_Addr2Line computes it in the process that owns the
 * code object.  `optdemo profile --pid` reads the bytes from another process
 * and cannot call that process's PyCode_Addr2Line.  No Python.h: the unit
 * test feeds it tables that CPython compiled. */
#ifndef OPTDEMO_LOCATION_TABLE_H
#define OPTDEMO_LOCATION_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* The line of the instruction at `byte_offset` (a multiple of 2: 3.11's code
 * units are 2 bytes) in a code object whose table is `table[0, length)` and
 * whose co_firstlineno is `first_line`.  A negative offset (a frame that has
 * not started) gives first_line, as PyCode_Addr2Line does; an instruction
 * without a location, or an offset past the table's end, gives -1.  A
 * malformed table is read up to its end and never beyond. */
int location_table_line(const uint8_t *table, size_t length, int first_line, int byte_offset);

#endif
