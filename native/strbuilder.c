/* strbuilder.c: placeholder, to be written. */
typedef int strbuilder_placeholder;
