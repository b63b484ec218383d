/*
 * builtins.h - the entry points of the commands linked into kith.
 *
 * Each cmd/kith-NAME.c is compiled for the one kith program with
 * -Dmain=kith_cmd_NAME (Makefile.am), and with this header included first
 * so that the renamed main has its prototype. kith runs the command by
 * calling it, in-process, with argv[0] "kith-NAME": when run as
 * `kith NAME ...` or under the name kith-NAME (the hard links that make
 * install puts beside kith).
 */
#ifndef KITH_BUILTINS_H
#define KITH_BUILTINS_H

int kith_cmd_init(int argc, char **argv);
int kith_cmd_add(int argc, char **argv);
int kith_cmd_log(int argc, char **argv);
int kith_cmd_show(int argc, char **argv);
int kith_cmd_ls(int argc, char **argv);
int kith_cmd_due(int argc, char **argv);
int kith_cmd_journal(int argc, char **argv);
int kith_cmd_tags(int argc, char **argv);
int kith_cmd_todo(int argc, char **argv);
int kith_cmd_done(int argc, char **argv);
int kith_cmd_grep(int argc, char **argv);
int kith_cmd_edit(int argc, char **argv);
int kith_cmd_history(int argc, char **argv);
int kith_cmd_undo(int argc, char **argv);
int kith_cmd_check(int argc, char **argv);
int kith_cmd_mv(int argc, char **argv);
int kith_cmd_merge(int argc, char **argv);
int kith_cmd_sync(int argc, char **argv);
int kith_cmd_gc(int argc, char **argv);

#endif
