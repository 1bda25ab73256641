/* test_executor_worker.c: the worker transport (app/measure/executor_worker.c) and
 * the protocol's response parsing (app/measure/executor.c), without Python: the
 * "workers" are small /bin/sh scripts that read requests on fd 3 and answer
 * on fd 4, and misbehave on purpose -- hang, die from a signal, exit, flood
 * stderr, answer in pieces or in one very long line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "executor.h"

/* Answer every request with ok, forever. */
#define ANSWER_ALL "while read -r line <&3; do echo '{\"ok\":true}' >&4; done"
/* Answer hello, then run `then`. */
#define AFTER_HELLO(then) "read -r line <&3; echo '{\"ok\":true}' >&4; " then

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A started executor running `sh -c script`. */
static void
start_shell(struct executor *ex, const char *script, double timeout)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    struct worker_limits limits = {.timeout = timeout};
    char *error = NULL;
    assert_int_equal(executor_worker_init(ex, argv, &limits, NULL), 0);
    ex->template = "python";
    ex->label = strdup("sh");
    assert_int_equal(executor_start(ex, &error), EXEC_OK);
    assert_null(error);
}

/* One raw request through the transport. */
static enum exec_status
raw_request(struct executor *ex, const char *line, char **response, char **error)
{
    return ex->ops->request(ex, line, response, error);
}

static void
test_a_worker_answers_in_order(void **state)
{
    struct executor ex;
    char *response = NULL, *error = NULL;
    (void)state;
    start_shell(&ex, ANSWER_ALL, 5);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(raw_request(&ex, "{\"op\":\"gc\"}", &response, &error), EXEC_OK);
        assert_string_equal(response, "{\"ok\":true}");
        free(response);
    }
    assert_int_equal(executor_set_gc(&ex, true, &error), EXEC_OK);
    executor_free(&ex);
}

static void
test_a_hung_worker_times_out_and_is_killed(void **state)
{
    struct executor ex;
    char *response = NULL, *error = NULL;
    (void)state;
    start_shell(&ex, AFTER_HELLO("sleep 60"), 0.5);
    double started = now();
    assert_int_equal(raw_request(&ex, "{\"op\":\"time\"}", &response, &error), EXEC_TIMEOUT);
    double waited = now() - started;
    assert_true(waited >= 0.45 && waited < 10);   /* the deadline, not the sleep */
    assert_non_null(strstr(error, "no answer within 0.5 s"));
    free(error);
    executor_free(&ex);
}

static void
test_a_worker_killed_by_a_signal_is_described_with_its_last_lines(void **state)
{
    struct executor ex;
    char *error = NULL;
    (void)state;
    start_shell(&ex, AFTER_HELLO("read -r line <&3; echo 'about to die' >&2; kill -SEGV $$"), 5);
    assert_int_equal(executor_set_gc(&ex, false, &error), EXEC_CRASHED);
    assert_false(ex.running);
    assert_non_null(strstr(error, "killed by signal 11"));
    assert_non_null(strstr(error, "about to die"));
    free(error);
    executor_free(&ex);
}

static void
test_a_worker_that_exits_reports_its_status(void **state)
{
    struct executor ex;
    char *error = NULL;
    (void)state;
    start_shell(&ex, AFTER_HELLO("exit 3"), 5);
    assert_int_equal(executor_set_gc(&ex, false, &error), EXEC_CRASHED);
    assert_non_null(strstr(error, "exited with status 3"));
    free(error);
    /* A fresh start works after a crash. */
    assert_int_equal(executor_start(&ex, &error), EXEC_OK);
    executor_free(&ex);
}

static void
test_a_stderr_flood_does_not_block_the_answer(void **state)
{
    struct executor ex;
    char *response = NULL, *error = NULL;
    (void)state;
    /* 2 MB on stderr before answering: far more than a pipe holds. */
    start_shell(&ex, AFTER_HELLO("read -r line <&3; "
                                 "i=0; while [ $i -lt 20000 ]; do "
                                 "echo 'noise noise noise noise noise noise noise noise noise "
                                 "noise noise noise noise' >&2; i=$((i+1)); done; "
                                 "echo last-line >&2; echo '{\"ok\":true}' >&4; sleep 60"), 20);
    assert_int_equal(raw_request(&ex, "{}", &response, &error), EXEC_OK);
    free(response);
    executor_free(&ex);
}

static void
test_answers_in_pieces_and_long_lines_arrive_whole(void **state)
{
    struct executor ex;
    char *response = NULL, *error = NULL;
    (void)state;
    start_shell(&ex, AFTER_HELLO("read -r line <&3; printf '{\"ok\":' >&4; sleep 0.2; "
                                 "printf 'true}\\n' >&4; read -r line <&3; "
                                 "printf '{\"ok\":true,\"pad\":\"' >&4; "
                                 "head -c 300000 /dev/zero | tr '\\0' x >&4; "
                                 "printf '\"}\\n' >&4; sleep 60"), 10);
    assert_int_equal(raw_request(&ex, "{}", &response, &error), EXEC_OK);
    assert_string_equal(response, "{\"ok\":true}");
    free(response);
    assert_int_equal(raw_request(&ex, "{}", &response, &error), EXEC_OK);
    assert_true(strlen(response) > 300000);
    assert_int_equal(response[strlen(response) - 1], '}');
    free(response);
    executor_free(&ex);
}

static void
test_limits_reach_the_worker(void **state)
{
    (void)state;
#ifdef __SANITIZE_ADDRESS__
    skip();  /* no RLIMIT_AS under AddressSanitizer: the worker gets none */
#else
    struct executor ex;
    char *response = NULL, *error = NULL;
    char *argv[] = {"/bin/sh", "-c",
                    AFTER_HELLO("read -r line <&3; "
                                "echo \"{\\\"ok\\\":true,\\\"as\\\":\\\"$(ulimit -v)\\\","
                                "\\\"core\\\":\\\"$(ulimit -c)\\\"}\" >&4"), NULL};
    struct worker_limits limits = {.timeout = 5, .memory_bytes = 512LL << 20};
    assert_int_equal(executor_worker_init(&ex, argv, &limits, NULL), 0);
    ex.template = "python";
    assert_int_equal(executor_start(&ex, &error), EXEC_OK);
    assert_int_equal(raw_request(&ex, "{}", &response, &error), EXEC_OK);
    assert_non_null(strstr(response, "\"as\":\"524288\""));   /* KiB */
    assert_non_null(strstr(response, "\"core\":\"0\""));
    free(response);
    executor_free(&ex);
#endif
}

static void
test_responses_are_parsed_by_kind(void **state)
{
    json_t *result = NULL;
    char *error = NULL, *output = NULL;
    (void)state;
    assert_int_equal(executor_parse_response("{\"ok\":true,\"seconds\":0.5}", &result, &error,
                                             &output), EXEC_OK);
    assert_true(json_real_value(json_object_get(result, "seconds")) == 0.5);
    json_decref(result);

    assert_int_equal(executor_parse_response(
        "{\"ok\":false,\"kind\":\"exception\",\"error\":\"Traceback...\",\"output\":\"hi\"}",
        &result, &error, &output), EXEC_ERROR);
    assert_string_equal(error, "Traceback...");
    assert_string_equal(output, "hi");
    free(error);
    free(output);

    assert_int_equal(executor_parse_response(
        "{\"ok\":false,\"kind\":\"contract\",\"error\":\"mutated\"}", &result, &error, NULL),
        EXEC_ERROR);
    assert_string_equal(error, "contract error: mutated");
    free(error);

    assert_int_equal(executor_parse_response(
        "{\"ok\":false,\"kind\":\"protocol\",\"error\":\"bad op\"}", &result, &error, NULL),
        EXEC_ERROR);
    assert_non_null(strstr(error, "internal error (protocol): bad op"));
    free(error);

    assert_int_equal(executor_parse_response("not json", &result, &error, NULL), EXEC_ERROR);
    assert_non_null(strstr(error, "not a JSON object"));
    free(error);
}

/* Bulk lines after a message: the request's reach the worker as lines of
 * their own, the answer's come back as an array, unparsed. */
static void
test_lines_travel_after_a_message_both_ways(void **state)
{
    struct executor ex;
    json_t *result = NULL, *lines = json_pack("[s, s]", "[1, 2, [3]]", "{\"a\": \"b c\"}");
    char *error = NULL;
    (void)state;
    /* Reads the request and its two lines, answers with them swapped. */
    start_shell(&ex, AFTER_HELLO("read -r head <&3; read -r one <&3; read -r two <&3; "
                                 "echo '{\"ok\":true,\"lines_after\":2}' >&4; "
                                 "printf '%s\\n%s\\n' \"$two\" \"$one\" >&4; sleep 60"), 5);
    assert_int_equal(executor_request_lines(&ex, json_pack("{s:s, s:i}", "op", "stage",
                                                           "lines_after", 2),
                                            lines, &result, &error), EXEC_OK);
    const json_t *back = json_object_get(result, "lines_after");
    assert_int_equal(json_array_size(back), 2);
    assert_string_equal(json_string_value(json_array_get(back, 0)), "{\"a\": \"b c\"}");
    assert_string_equal(json_string_value(json_array_get(back, 1)), "[1, 2, [3]]");
    json_decref(result);
    json_decref(lines);
    executor_free(&ex);
}

/* A worker that announces lines it never sends, or far too many, or a line
 * with a newline in it: a timeout, a refusal, never a hang or a host that
 * reads forever. */
static void
test_announced_lines_are_bounded(void **state)
{
    struct executor ex;
    json_t *result = NULL, *bad = json_pack("[s]", "one\ntwo");
    char *error = NULL;
    (void)state;
    start_shell(&ex, AFTER_HELLO("read -r line <&3; "
                                 "echo '{\"ok\":true,\"lines_after\":3}' >&4; echo '1' >&4; "
                                 "sleep 60"), 0.5);
    assert_int_equal(executor_request(&ex, json_pack("{s:s}", "op", "results"), &result, &error,
                                      NULL), EXEC_TIMEOUT);
    assert_null(result);
    free(error);
    error = NULL;
    executor_free(&ex);

    start_shell(&ex, AFTER_HELLO("read -r line <&3; "
                                 "echo '{\"ok\":true,\"lines_after\":100000000}' >&4; "
                                 "while :; do echo 1; done >&4"), 5);
    assert_int_equal(executor_request_lines(&ex, json_pack("{s:s}", "op", "stage"), bad,
                                            &result, &error), EXEC_ERROR);
    assert_non_null(strstr(error, "newline"));     /* refused before anything is sent */
    free(error);
    error = NULL;
    json_decref(bad);

    assert_int_equal(executor_request(&ex, json_pack("{s:s}", "op", "results"), &result, &error,
                                      NULL), EXEC_ERROR);
    assert_null(result);
    assert_non_null(strstr(error, "at most 1024"));
    assert_false(ex.running);     /* its unread lines would answer the next request */
    free(error);
    executor_free(&ex);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_worker_answers_in_order),
        cmocka_unit_test(test_a_hung_worker_times_out_and_is_killed),
        cmocka_unit_test(test_a_worker_killed_by_a_signal_is_described_with_its_last_lines),
        cmocka_unit_test(test_a_worker_that_exits_reports_its_status),
        cmocka_unit_test(test_a_stderr_flood_does_not_block_the_answer),
        cmocka_unit_test(test_answers_in_pieces_and_long_lines_arrive_whole),
        cmocka_unit_test(test_limits_reach_the_worker),
        cmocka_unit_test(test_responses_are_parsed_by_kind),
        cmocka_unit_test(test_lines_travel_after_a_message_both_ways),
        cmocka_unit_test(test_announced_lines_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
