/* stats.c placeholder */ typedef int stats_placeholder;
