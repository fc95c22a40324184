/*
 * task - a small pool of threads that runs checks in the background, so
 * that a check started at HELO or MAIL FROM progresses while the SMTP
 * dialogue goes on, and several checks of one message run at once.
 *
 *	task_pool_create(max_threads) - threads are started on demand up to
 *		max_threads and end after 30 s without work.
 *	task_pool_free(pool) - wait for every task and thread, then free.
 *	task_run(pool, fn, arg) - run fn(arg) on a pool thread; returns a
 *		handle at once. When every thread is busy the task queues.
 *	task_wait(t) - block until fn has returned, then free the handle.
 *		Every task must be waited for exactly once.
 *	task_pool_threads(pool, busy) - the threads running now; busy gets
 *		how many of them run a task (for the metrics).
 * A task must not wait for another task (a full pool would deadlock);
 * checks only wait for DNS, which the resolver thread serves.
 */
#ifndef AUTHGATE_TASK_H
#define AUTHGATE_TASK_H

typedef struct task_pool task_pool;
typedef struct task task;
typedef void (*task_fn)(void *);

task_pool	*task_pool_create(unsigned);
void		 task_pool_free(task_pool *);
task		*task_run(task_pool *, task_fn, void *);
void		 task_wait(task *);
unsigned	 task_pool_threads(task_pool *, unsigned *);

#endif
