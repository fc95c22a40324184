/*
 * test_task - the background task pool: every task runs exactly once, the
 * thread limit holds, waiting works from many threads at once.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "util/task.h"

static atomic_int running, peak, done;

/* work - note concurrency, sleep a little, count */
static void
work(void *arg)
{
	struct timespec ts = { 0, 200000 };	/* 0.2 ms */
	int now, p;

	now = atomic_fetch_add(&running, 1) + 1;
	p = atomic_load(&peak);
	while (now > p && !atomic_compare_exchange_weak(&peak, &p, now))
		;
	nanosleep(&ts, NULL);
	atomic_fetch_sub(&running, 1);
	atomic_fetch_add(&done, 1);
	(*(int *)arg)++;
}

static void
test_every_task_once_within_limit(void **state)
{
	static int hits[2000];
	task *t[2000];
	task_pool *p;
	int i;

	atomic_store(&peak, 0);
	atomic_store(&done, 0);
	p = task_pool_create(4);
	for (i = 0; i < 2000; i++)
		t[i] = task_run(p, work, &hits[i]);
	for (i = 0; i < 2000; i++)
		task_wait(t[i]);
	for (i = 0; i < 2000; i++)
		assert_int_equal(hits[i], 1);
	assert_int_equal(atomic_load(&done), 2000);
	assert_true(atomic_load(&peak) <= 4);
	assert_true(atomic_load(&peak) >= 1);
	task_pool_free(p);
}

struct waiter {
	task_pool	*pool;
	int		 hits[100];
};

/* waiter_main - a "session" thread starting and joining its own tasks */
static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	task *t[100];
	int i;

	for (i = 0; i < 100; i++)
		t[i] = task_run(w->pool, work, &w->hits[i]);
	for (i = 99; i >= 0; i--)
		task_wait(t[i]);
	return NULL;
}

static void
test_many_waiters(void **state)
{
	static struct waiter w[8];
	pthread_t th[8];
	task_pool *p;
	int i, j;

	p = task_pool_create(16);
	for (i = 0; i < 8; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].pool = p;
		pthread_create(&th[i], NULL, waiter_main, &w[i]);
	}
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 8; i++)
		for (j = 0; j < 100; j++)
			assert_int_equal(w[i].hits[j], 1);
	task_pool_free(p);
}

static void
test_free_finishes_queued_work(void **state)
{
	static int hits[50];
	task *t[50];
	task_pool *p;
	int i;

	p = task_pool_create(1);
	for (i = 0; i < 50; i++)
		t[i] = task_run(p, work, &hits[i]);
	for (i = 0; i < 50; i++)
		task_wait(t[i]);
	task_pool_free(p);
	for (i = 0; i < 50; i++)
		assert_int_equal(hits[i], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_task_once_within_limit),
		cmocka_unit_test(test_many_waiters),
		cmocka_unit_test(test_free_finishes_queued_work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
