/* alloc.c: placeholder, to be written. */
typedef int alloc_placeholder;
