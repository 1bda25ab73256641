/* ringbuf.c: placeholder, to be written. */
typedef int ringbuf_placeholder;
