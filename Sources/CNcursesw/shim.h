// Accessors for ncursesw globals and macros that Swift 6 cannot import directly
// (see shared PLATFORM_NOTES: globals are not concurrency-safe, function-like macros are not imported).
#ifndef TRACEMAP_CNCURSESW_SHIM_H
#define TRACEMAP_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <string.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

extern int wcwidth(wchar_t c);

static inline WINDOW *tm_stdscr(void) { return stdscr; }
static inline int tm_cols(void) { return COLS; }
static inline int tm_lines(void) { return LINES; }
static inline int tm_colors(void) { return COLORS; }
static inline int tm_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t tm_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static const attr_t TM_A_BOLD = A_BOLD;
static const attr_t TM_A_REVERSE = A_REVERSE;
static const attr_t TM_A_DIM = A_DIM;
static const attr_t TM_A_UNDERLINE = A_UNDERLINE;
static const attr_t TM_A_NORMAL = A_NORMAL;
static const int TM_KEY_RESIZE = KEY_RESIZE;
static const int TM_KEY_UP = KEY_UP;
static const int TM_KEY_DOWN = KEY_DOWN;
static const int TM_KEY_LEFT = KEY_LEFT;
static const int TM_KEY_RIGHT = KEY_RIGHT;
static const int TM_KEY_ENTER = KEY_ENTER;
static const int TM_KEY_NPAGE = KEY_NPAGE;
static const int TM_KEY_PPAGE = KEY_PPAGE;
static const int TM_KEY_HOME = KEY_HOME;
static const int TM_KEY_END = KEY_END;
static const int TM_KEY_BTAB = KEY_BTAB;
static const int TM_KEY_BACKSPACE = KEY_BACKSPACE;
static const int TM_ERR = ERR;
static const int TM_OK = OK;
static inline int tm_key_f(int n) { return KEY_F(n); }
static inline int tm_codeset_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}
#include <stdio.h>
/* newterm on the process's own stdout/stdin (C globals Swift 6 refuses); NULL, not exit, on an unknown TERM. */
static inline SCREEN *tm_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }
static inline int tm_key_code_yes(void) { return KEY_CODE_YES; }
static inline int tm_set_attributes(attr_t attributes) { return attrset((int)attributes); }
static inline int tm_color_black(void) { return COLOR_BLACK; }
static inline int tm_color_red(void) { return COLOR_RED; }
static inline int tm_color_green(void) { return COLOR_GREEN; }
static inline int tm_color_yellow(void) { return COLOR_YELLOW; }
static inline int tm_color_blue(void) { return COLOR_BLUE; }
static inline int tm_color_magenta(void) { return COLOR_MAGENTA; }
static inline int tm_color_cyan(void) { return COLOR_CYAN; }
static inline int tm_color_white(void) { return COLOR_WHITE; }
#endif
