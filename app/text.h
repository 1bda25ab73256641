/* text.h: malloc'd strings, the two ways every file of the host makes them.
 * Both return NULL on no memory and never abort. */
#ifndef OPTDEMO_TEXT_H
#define OPTDEMO_TEXT_H

/* printf into a new string. */
char *text_format(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* A copy of `text`, or NULL when `text` is NULL. */
char *text_copy(const char *text);

#endif
