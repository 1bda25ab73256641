/* intset.c: placeholder, to be written. */
typedef int intset_placeholder;
