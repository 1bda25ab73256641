/* text.h: malloc'd strings, the ways every file of the host makes them.
 * All return NULL on no memory and never abort.  The escaping functions are
 * for text a student controls (file names, exception messages) on its way
 * to the teacher's terminal and files. */
#ifndef OPTDEMO_TEXT_H
#define OPTDEMO_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* printf into a new string. */
char *text_format(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* A copy of `text`, or NULL when `text` is NULL. */
char *text_copy(const char *text);

/* `text`, or `fallback` when it is NULL (a message that could not be made
 * for want of memory). */
static inline const char *
text_or(const char *text, const char *fallback)
{
    return text != NULL ? text : fallback;
}

/* Free a NULL-terminated array of malloc'd strings and the array (NULL: nothing). */
void text_free_list(char **list);

/* A copy of `bytes` that is valid UTF-8 (what jansson accepts): every byte
 * that does not belong to a well-formed sequence (stray continuation bytes,
 * truncated, overlong or surrogate sequences, beyond U+10FFFF) becomes the
 * four characters \xNN, lowercase, as Python's "backslashreplace" decodes.
 * Backslashes already there are left alone, so the escape is for a person
 * to read, not to reverse.  NULL when `bytes` is NULL. */
char *text_valid_utf8(const char *bytes);

/* A copy of `text` that is safe to print on a terminal or into XML 1.0:
 * the C0 controls (\n kept when `keep_newlines`; \t \n \r by those names,
 * the others as \xNN), DEL (\x7f), the C1 controls U+0080-U+009F, the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the
 * noncharacters U+FFFE and U+FFFF become visible escapes, code points as
 * \uNNNN (\u202e).  Bytes that are not UTF-8 become \xNN as in
 * text_valid_utf8, so the result is always valid UTF-8.  Backslashes are
 * left alone.  NULL when `text` is NULL. */
char *text_escape_controls(const char *text, bool keep_newlines);

#endif
