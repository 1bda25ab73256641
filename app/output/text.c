/* text.c: see text.h.  The two escaping functions share one UTF-8 decoder
 * that follows the Unicode standard's table of well-formed sequences (as
 * jansson's and Python's decoders do), so a byte they call invalid is one
 * jansson would refuse. */
#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
text_format(const char *format, ...)
{
    va_list args;
    char *text = NULL;
    va_start(args, format);
    if (vasprintf(&text, format, args) < 0) {
        text = NULL;
    }
    va_end(args);
    return text;
}

char *
text_copy(const char *text)
{
    return text != NULL ? strdup(text) : NULL;
}

/* The length (1 to 4) of the well-formed UTF-8 sequence at `s`, its code
 * point in *code_point; 0 when the byte at `s` starts none.  The second
 * byte's range depends on the first (Unicode table 3-7): that is what
 * rules out overlong forms, surrogates and code points past U+10FFFF.  A
 * NUL terminator is never a continuation byte, so a truncated sequence at
 * the end is refused without reading past it. */
static size_t
utf8_sequence(const unsigned char *s, uint32_t *code_point)
{
    unsigned char lead = s[0], low = 0x80, high = 0xBF;
    size_t length;
    uint32_t value;
    if (lead < 0x80) {
        *code_point = lead;
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, value = lead & 0x0F;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, value = lead & 0x07;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    for (size_t i = 1; i < length; i++) {
        unsigned char c = s[i];
        if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) {
            return 0;
        }
        value = value << 6 | (c & 0x3F);
    }
    *code_point = value;
    return length;
}

/* A buffer for an escaped copy of `text`: no escape is longer than four
 * times what it replaces (a byte as \xNN; \u0085 replaces two bytes). */
static char *
escape_buffer(const char *text)
{
    size_t length = strlen(text);
    return length < (SIZE_MAX - 1) / 4 ? malloc(4 * length + 1) : NULL;
}

/* Whether a terminal or an XML parser could be fooled by `code_point`. */
static bool
needs_escape(uint32_t code_point, bool keep_newlines)
{
    if (code_point == '\n') {
        return !keep_newlines;
    }
    return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F)
           || (code_point >= 0x202A && code_point <= 0x202E)
           || (code_point >= 0x2066 && code_point <= 0x2069) || code_point == 0xFFFE
           || code_point == 0xFFFF;
}

/* `text` copied, invalid UTF-8 bytes as \xNN and, with `controls`, every
 * character needs_escape names as a visible escape. */
static char *
escape(const char *text, bool controls, bool keep_newlines)
{
    char *copy = text != NULL ? escape_buffer(text) : NULL;
    if (copy == NULL) {
        return NULL;
    }
    const unsigned char *s = (const unsigned char *)text;
    char *end = copy;
    while (*s != '\0') {
        uint32_t code_point;
        size_t length = utf8_sequence(s, &code_point);
        if (length == 0) {
            end += sprintf(end, "\\x%02x", *s);
            s++;
            continue;
        }
        if (!controls || !needs_escape(code_point, keep_newlines)) {
            memcpy(end, s, length);
            end += length;
        } else if (code_point == '\t' || code_point == '\n' || code_point == '\r') {
            end += sprintf(end, "\\%c", code_point == '\t' ? 't' : code_point == '\n' ? 'n' : 'r');
        } else if (code_point < 0x80) {
            end += sprintf(end, "\\x%02x", (unsigned)code_point);
        } else {
            end += sprintf(end, "\\u%04x", (unsigned)code_point);
        }
        s += length;
    }
    *end = '\0';
    return copy;
}

char *
text_valid_utf8(const char *bytes)
{
    return escape(bytes, false, true);
}

char *
text_escape_controls(const char *text, bool keep_newlines)
{
    return escape(text, true, keep_newlines);
}

void
text_free_list(char **list)
{
    for (char **item = list; item != NULL && *item != NULL; item++) {
        free(*item);
    }
    free(list);
}
