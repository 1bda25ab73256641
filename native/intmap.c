/* intmap.c: placeholder, to be written. */
typedef int intmap_placeholder;
