#ifndef PREPDECK_NCURSES_SHIM_H
#define PREPDECK_NCURSES_SHIM_H

/* SwiftPM drops the -D flags that pkg-config reports, so enable the wide API here. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <wchar.h>
#include <stdio.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

/* Globals and macros that Swift cannot use directly. */
static inline FILE *pd_stdout(void) { return stdout; }
static inline FILE *pd_stdin(void) { return stdin; }
static inline int pd_colors(void) { return COLORS; }
static inline int pd_color_pairs(void) { return COLOR_PAIRS; }
static inline void pd_write_stdout(const char *s) { fputs(s, stdout); fflush(stdout); }
static inline WINDOW *pd_stdscr(void) { return stdscr; }
static inline int pd_lines(void) { return LINES; }
static inline int pd_cols(void) { return COLS; }
static inline int pd_maxy(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int pd_maxx(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }
static inline int pd_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline attr_t pd_a_normal(void) { return A_NORMAL; }
static inline attr_t pd_a_bold(void) { return A_BOLD; }
static inline attr_t pd_a_dim(void) { return A_DIM; }
static inline attr_t pd_a_reverse(void) { return A_REVERSE; }
static inline attr_t pd_a_underline(void) { return A_UNDERLINE; }
static inline attr_t pd_a_italic(void) { return A_ITALIC; }
static inline int pd_key_code_yes(void) { return KEY_CODE_YES; }
static inline int pd_key_mouse(void) { return KEY_MOUSE; }
static inline int pd_key_resize(void) { return KEY_RESIZE; }
static inline mmask_t pd_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t pd_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t pd_button5_pressed(void) { return 0; }
#endif
static inline mmask_t pd_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED; }
static inline mmask_t pd_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }

/* Draw one cell: a UTF-32 grapheme (base + up to 4 combining marks) with attributes and a colour pair. */
static inline int pd_put_cell(int y, int x, const wchar_t *wch, attr_t attrs, short pair) {
    cchar_t c;
    if (setcchar(&c, wch, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &c);
}

#endif
