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
#include <stdlib.h>
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

/* Terminal restore on every exit path, including a trap. Everything the handlers need is prepared before curses
 * starts (the saved termios) or right after (the reset sequence), so a handler only calls async-signal-safe
 * functions: tcsetattr, write, sigaction. A crash signal restores the terminal, puts back the previous action
 * (Swift's backtracer or the default) and returns: the faulting instruction runs again and gets it. */
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include <term.h>
/* Function-local statics: Swift's importer emits the inline functions but not file-scope arrays of a header. */
struct tm_restore_state {
    struct termios saved_termios;
    volatile sig_atomic_t termios_saved;
    volatile sig_atomic_t armed;
    char reset_sequence[256];
    volatile size_t reset_length;
    struct sigaction previous_actions[65];
};
static inline struct tm_restore_state *tm_restore(void) {
    static struct tm_restore_state state;
    return &state;
}

static inline void tm_restore_terminal_now(void) {
    if (!tm_restore()->armed) return;
    tm_restore()->armed = 0;
    if (tm_restore()->reset_length > 0) { ssize_t ignored = write(STDOUT_FILENO, tm_restore()->reset_sequence, tm_restore()->reset_length); (void)ignored; }
    if (tm_restore()->termios_saved) tcsetattr(STDIN_FILENO, TCSANOW, &tm_restore()->saved_termios);
}

static void tm_crash_handler(int number, siginfo_t *info, void *context) {
    (void)context;
    tm_restore_terminal_now();
    if (number > 0 && number < 65) sigaction(number, &tm_restore()->previous_actions[number], NULL);
    /* A fault re-executes when the handler returns and meets the previous action; a signal sent by kill(2),
     * raise(3) or abort(3) (si_code <= 0) is raised again for it. */
    if (info == NULL || info->si_code <= 0) raise(number);
}

static void tm_restore_at_exit(void) { tm_restore_terminal_now(); }

/* Before newterm: remember the terminal as the shell left it and install the handlers (once per process). */
static inline void tm_arm_terminal_restore(void) {
    static int installed = 0;
    if (tcgetattr(STDIN_FILENO, &tm_restore()->saved_termios) == 0) tm_restore()->termios_saved = 1;
    /* Until curses says otherwise: leave the alternate screen, show the cursor, reset attributes. */
    static const char fallback[] = "\033[0m\033[?25h\033[?1049l";
    memcpy(tm_restore()->reset_sequence, fallback, sizeof fallback - 1);
    tm_restore()->reset_length = sizeof fallback - 1;
    tm_restore()->armed = 1;
    if (installed) return;
    installed = 1;
    atexit(tm_restore_at_exit);
    const int tm_crash_signals[] = { SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE };
    for (size_t i = 0; i < sizeof tm_crash_signals / sizeof tm_crash_signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = tm_crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_ONSTACK | SA_SIGINFO;
        sigaction(tm_crash_signals[i], &action, &tm_restore()->previous_actions[tm_crash_signals[i]]);
    }
}

/* After newterm: the terminal's own strings for the reset (terminfo's sgr0, cnorm, rmcup), when it has them. */
static inline void tm_learn_reset_sequence(void) {
    const char *names[] = { "sgr0", "cnorm", "rmcup" };
    size_t length = 0;
    for (size_t i = 0; i < 3; i++) {
        char *value = tigetstr((char *)names[i]);
        if (value == NULL || value == (char *)-1) continue;
        size_t size = strlen(value);
        if (length + size >= sizeof tm_restore()->reset_sequence) break;
        memcpy(tm_restore()->reset_sequence + length, value, size);
        length += size;
    }
    if (length > 0) tm_restore()->reset_length = length;
}

/* curses restored the terminal itself (endwin): nothing left for the handlers to do. */
static inline void tm_disarm_terminal_restore(void) { tm_restore()->armed = 0; }

/* Whether the terminal can place the cursor (TERM=dumb cannot: the screen would stay blank). */
static inline int tm_can_address_cursor(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}
#endif
