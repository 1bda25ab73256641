/* memo.c: placeholder, to be written. */
typedef int memo_placeholder;
