/* test_stack_profile.c: the sampled stacks' arena and their aggregation
 * (app/measure/stack_profile.c) on made-up samples: collapsed lines
 * outermost first with counts, self and total per function (recursion
 * counted once per sample), a full buffer counting dropped samples, frames
 * without names skipped as empty samples, `;` in a name kept out of the
 * format. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "stack_profile.h"

struct frame {
    const char *name, *file;
    uint32_t line;
};

/* One sample of `n` frames given outermost first (as one reads a stack);
 * the buffer takes them innermost first, as the handler walks them. */
static void
add_sample(struct stack_buffer *buffer, const struct frame *frames, int n)
{
    stack_buffer_begin(buffer);
    for (int i = n - 1; i >= 0; i--) {
        stack_buffer_add_frame(buffer, frames[i].name, strlen(frames[i].name), frames[i].file,
                               strlen(frames[i].file), frames[i].line);
    }
    stack_buffer_end(buffer, false);
}

static char *
collapsed_text(const struct stack_profile *profile)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    for (size_t i = 0; i < profile->n_stacks; i++) {
        fprintf(out, "%s %llu\n", profile->stacks[i].stack,
                (unsigned long long)profile->stacks[i].count);
    }
    assert_int_equal(fclose(out), 0);
    return text;
}

static const struct function_count *
function_named(const struct stack_profile *profile, const char *name)
{
    for (size_t i = 0; i < profile->n_functions; i++) {
        if (strcmp(profile->functions[i].function, name) == 0) {
            return &profile->functions[i];
        }
    }
    fail_msg("no function %s", name);
    return NULL;
}

static void
test_samples_become_collapsed_lines_with_counts(void **state)
{
    (void)state;
    struct stack_buffer buffer;
    struct stack_profile profile;
    const struct frame slow[] = {{"<module>", "p.py", 30}, {"main", "p.py", 25},
                                 {"slow_part", "p.py", 12}};
    const struct frame fast[] = {{"<module>", "p.py", 30}, {"main", "p.py", 26},
                                 {"fast_part", "p.py", 18}};
    const struct frame other_line[] = {{"<module>", "p.py", 30}, {"main", "p.py", 25},
                                       {"slow_part", "p.py", 13}};
    assert_int_equal(stack_buffer_init(&buffer, 1 << 20), 0);
    for (int i = 0; i < 5; i++) {
        add_sample(&buffer, slow, 3);
    }
    add_sample(&buffer, fast, 3);
    add_sample(&buffer, other_line, 3);
    add_sample(&buffer, other_line, 3);

    assert_int_equal(stack_profile_build(&buffer, NULL, &profile), 0);
    assert_int_equal(profile.samples, 8);
    assert_int_equal(profile.dropped, 0);
    assert_int_equal(profile.n_stacks, 3);
    char *text = collapsed_text(&profile);
    assert_string_equal(text,
        "<module> (p.py:30);main (p.py:25);slow_part (p.py:12) 5\n"
        "<module> (p.py:30);main (p.py:25);slow_part (p.py:13) 2\n"
        "<module> (p.py:30);main (p.py:26);fast_part (p.py:18) 1\n");
    free(text);

    /* Functions ignore lines: slow_part is innermost in 7 samples. */
    assert_int_equal(profile.n_functions, 4);
    assert_string_equal(profile.functions[0].function, "slow_part (p.py)");
    assert_int_equal(profile.functions[0].self, 7);
    assert_int_equal(profile.functions[0].total, 7);
    assert_int_equal(function_named(&profile, "fast_part (p.py)")->self, 1);
    assert_int_equal(function_named(&profile, "main (p.py)")->self, 0);
    assert_int_equal(function_named(&profile, "main (p.py)")->total, 8);
    assert_int_equal(function_named(&profile, "<module> (p.py)")->total, 8);
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
}

static void
test_recursion_counts_once_per_sample_in_total(void **state)
{
    (void)state;
    struct stack_buffer buffer;
    struct stack_profile profile;
    const struct frame deep[] = {{"main", "r.py", 9}, {"walk", "r.py", 4}, {"walk", "r.py", 4},
                                 {"walk", "r.py", 3}};
    const struct frame shallow[] = {{"main", "r.py", 9}, {"walk", "r.py", 3}};
    assert_int_equal(stack_buffer_init(&buffer, 1 << 20), 0);
    add_sample(&buffer, deep, 4);
    add_sample(&buffer, shallow, 2);
    add_sample(&buffer, deep, 4);
    assert_int_equal(stack_profile_build(&buffer, NULL, &profile), 0);
    const struct function_count *walk = function_named(&profile, "walk (r.py)");
    assert_int_equal(walk->self, 3);
    assert_int_equal(walk->total, 3);
    assert_int_equal(function_named(&profile, "main (r.py)")->total, 3);
    char *text = collapsed_text(&profile);
    assert_string_equal(text, "main (r.py:9);walk (r.py:4);walk (r.py:4);walk (r.py:3) 2\n"
                              "main (r.py:9);walk (r.py:3) 1\n");
    free(text);
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
}

static void
test_a_full_buffer_drops_whole_samples_and_counts_them(void **state)
{
    (void)state;
    struct stack_buffer buffer;
    struct stack_profile profile;
    const struct frame one[] = {{"main", "f.py", 1}, {"work", "f.py", 2}};
    /* A sample here takes 8 + 2 * 16 bytes: room for two, not three. */
    assert_int_equal(stack_buffer_init(&buffer, 100), 0);
    for (int i = 0; i < 5; i++) {
        add_sample(&buffer, one, 2);
    }
    assert_int_equal(buffer.samples, 2);
    assert_int_equal(buffer.dropped, 3);
    assert_int_equal(stack_profile_build(&buffer, NULL, &profile), 0);
    assert_int_equal(profile.dropped, 3);
    char *text = collapsed_text(&profile);
    assert_string_equal(text, "main (f.py:1);work (f.py:2) 2\n");
    free(text);
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
}

static void
test_empty_samples_and_separators_in_names(void **state)
{
    (void)state;
    struct stack_buffer buffer;
    struct stack_profile profile;
    const struct frame odd[] = {{"odd;name\n", "a;b.py", 7}};
    assert_int_equal(stack_buffer_init(&buffer, 1 << 16), 0);
    add_sample(&buffer, odd, 0);      /* no Python frame */
    add_sample(&buffer, odd, 1);
    assert_int_equal(stack_profile_build(&buffer, NULL, &profile), 0);
    assert_int_equal(profile.samples, 1);
    assert_int_equal(profile.empty, 1);
    char *text = collapsed_text(&profile);
    assert_string_equal(text, "odd_name_ (a_b.py:7) 1\n");
    free(text);
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
}

static void
test_nothing_sampled_builds_an_empty_profile(void **state)
{
    (void)state;
    struct stack_buffer buffer;
    struct stack_profile profile;
    assert_int_equal(stack_buffer_init(&buffer, 4096), 0);
    assert_int_equal(stack_profile_build(&buffer, NULL, &profile), 0);
    assert_int_equal(profile.n_stacks, 0);
    assert_int_equal(profile.n_functions, 0);
    char *text = collapsed_text(&profile);
    assert_string_equal(text, "");
    free(text);
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
}

static void
test_the_launchers_root_frames_are_left_out(void **state)
{
    (void)state;
    struct stack_buffer buffer;
    struct stack_profile profile;
    /* The worker's request loop calls runpy, which calls the program. */
    const struct frame launched[] = {{"main", "optdemo/runner.py", 500},
                                     {"run_path", "<frozen runpy>", 291},
                                     {"_run_code", "<frozen runpy>", 88},
                                     {"<module>", "p.py", 3}, {"work", "p.py", 1}};
    const struct frame only_runpy[] = {{"main", "optdemo/runner.py", 500},
                                       {"run_path", "<frozen runpy>", 291},
                                       {"_get_code_from_file", "<frozen runpy>", 259}};
    assert_int_equal(stack_buffer_init(&buffer, 1 << 16), 0);
    add_sample(&buffer, launched, 5);
    add_sample(&buffer, only_runpy, 3);
    assert_int_equal(stack_profile_build(&buffer, "<frozen runpy>", &profile), 0);
    char *text = collapsed_text(&profile);
    /* The innermost frame always stays, even the launcher's own. */
    assert_string_equal(text, "<module> (p.py:3);work (p.py:1) 1\n"
                              "_get_code_from_file (<frozen runpy>:259) 1\n");
    free(text);
    assert_int_equal(profile.n_functions, 3);
    stack_profile_free(&profile);
    stack_buffer_free(&buffer);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_become_collapsed_lines_with_counts),
        cmocka_unit_test(test_recursion_counts_once_per_sample_in_total),
        cmocka_unit_test(test_a_full_buffer_drops_whole_samples_and_counts_them),
        cmocka_unit_test(test_empty_samples_and_separators_in_names),
        cmocka_unit_test(test_nothing_sampled_builds_an_empty_profile),
        cmocka_unit_test(test_the_launchers_root_frames_are_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
