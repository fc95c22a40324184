/*
 * deadline - monotonic-clock deadlines; see deadline.h.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "util/deadline.h"
#include "util/log.h"

/* deadline_now - monotonic time in milliseconds */
int64_t
deadline_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* deadline_now_us - monotonic time in microseconds */
int64_t
deadline_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* this thread's wait clock */
static __thread int64_t deadline_wait_us;

/* deadline_waited - this thread was blocked for us microseconds */
void
deadline_waited(int64_t us)
{
	if (us > 0)
		deadline_wait_us += us;
}

/* deadline_waited_take - the waits since the last take */
int64_t
deadline_waited_take(void)
{
	int64_t us = deadline_wait_us;

	deadline_wait_us = 0;
	return us;
}

/* deadline_wall - wall-clock ms since the epoch */
int64_t
deadline_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* deadline_in - the deadline ms from now */
int64_t
deadline_in(int64_t ms)
{
	return deadline_now() + ms;
}

/* deadline_left - milliseconds until the deadline, never negative */
int64_t
deadline_left(int64_t d)
{
	int64_t left;

	left = d - deadline_now();
	return left > 0 ? left : 0;
}

/* deadline_cond_init - condition variable on the monotonic clock */
void
deadline_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	if (pthread_condattr_init(&attr) != 0 ||
	    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(cond, &attr) != 0)
		log_panic("cannot initialise a monotonic condition variable");
	pthread_condattr_destroy(&attr);
}

/* deadline_cond_wait - wait for a signal or the deadline */
int
deadline_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex, int64_t d)
{
	struct timespec ts;

	if (deadline_left(d) == 0)
		return ETIMEDOUT;
	ts.tv_sec = d / 1000;
	ts.tv_nsec = (d % 1000) * 1000000;
	return pthread_cond_timedwait(cond, mutex, &ts) == ETIMEDOUT ?
	    ETIMEDOUT : 0;
}
