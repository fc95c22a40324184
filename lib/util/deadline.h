/*
 * deadline - points in time on the monotonic clock, in milliseconds.
 *
 *	deadline_now() - the current monotonic time in ms.
 *	deadline_in(ms) - now + ms.
 *	deadline_left(d) - ms until d, 0 if it has passed.
 *	deadline_wall() - the wall-clock time in ms since the epoch (for
 *		times shared with other hosts and shown to people: blocks,
 *		rate windows), never for timeouts.
 *	deadline_cond_init(cond) - a condition variable whose timed waits
 *		use the monotonic clock (wall-clock steps cannot cut them short
 *		or stretch them).
 *	deadline_cond_wait(cond, mutex, d) - wait until signalled or until
 *		d; returns 0 when signalled, ETIMEDOUT when d has passed.
 *	deadline_now_us() - the monotonic time in microseconds (durations).
 *
 * The wait clock: how long this thread was blocked waiting for answers
 * (a DNS query, a background check), so that a transaction can say how
 * much of its time was waiting rather than working:
 *	deadline_waited(us) - add a wait to this thread's clock.
 *	deadline_waited_take() - the waits since the last take; resets.
 */
#ifndef AUTHGATE_DEADLINE_H
#define AUTHGATE_DEADLINE_H

#include <pthread.h>
#include <stdint.h>

int64_t	deadline_now(void);
int64_t	deadline_in(int64_t);
int64_t	deadline_left(int64_t);
int64_t	deadline_wall(void);
void	deadline_cond_init(pthread_cond_t *);
int	deadline_cond_wait(pthread_cond_t *, pthread_mutex_t *, int64_t);
int64_t	deadline_now_us(void);
void	deadline_waited(int64_t);
int64_t	deadline_waited_take(void);

#endif
