/*
 * task - background task pool; see task.h.
 *
 * One mutex guards the queue and the counters; idle threads wait on
 * pool->work, finished tasks signal their own condition variable.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/task.h"

#define TASK_IDLE_MS	30000

struct task {
	struct task	*next;
	task_fn		 fn;
	void		*arg;
	int		 done;
	pthread_cond_t	 finished;
	task_pool	*pool;
};

struct task_pool {
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;		/* a task was queued, or stop */
	pthread_cond_t	 gone;		/* a thread ended */
	struct task	*head, *tail;
	unsigned	 threads, idle, max;
	int		 stop;
};

/* task_thread - a pool thread: run queued tasks until idle too long */
static void *
task_thread(void *arg)
{
	task_pool *p = arg;
	struct task *t;
	int64_t idle_until;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		idle_until = deadline_in(TASK_IDLE_MS);
		while (p->head == NULL && !p->stop) {
			p->idle++;
			if (deadline_cond_wait(&p->work, &p->lock, idle_until) ==
			    ETIMEDOUT && p->head == NULL) {
				p->idle--;
				goto out;
			}
			p->idle--;
		}
		if (p->head == NULL)
			break;		/* stopping and nothing left */
		t = p->head;
		if ((p->head = t->next) == NULL)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);
		t->fn(t->arg);
		pthread_mutex_lock(&p->lock);
		t->done = 1;
		pthread_cond_signal(&t->finished);
	}
out:
	p->threads--;
	pthread_cond_broadcast(&p->gone);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* task_pool_create - an empty pool */
task_pool *
task_pool_create(unsigned max)
{
	task_pool *p;

	p = mem_calloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	deadline_cond_init(&p->work);
	deadline_cond_init(&p->gone);
	p->max = max > 0 ? max : 1;
	return p;
}

/* task_run - queue fn(arg), starting a thread when none is idle */
task *
task_run(task_pool *p, task_fn fn, void *arg)
{
	pthread_attr_t attr;
	pthread_t tid;
	struct task *t;
	int rc;

	t = mem_calloc(1, sizeof(*t));
	t->fn = fn;
	t->arg = arg;
	t->pool = p;
	deadline_cond_init(&t->finished);
	pthread_mutex_lock(&p->lock);
	if (p->tail != NULL)
		p->tail->next = t;
	else
		p->head = t;
	p->tail = t;
	if (p->idle == 0 && p->threads < p->max) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if ((rc = pthread_create(&tid, &attr, task_thread, p)) == 0)
			p->threads++;
		else if (p->threads == 0)
			log_fatal("task: cannot start a thread: %s",
			    strerror(rc));
		else
			log_warn("task: cannot start a thread (%s); the task "
			    "waits for a busy one", strerror(rc));
		pthread_attr_destroy(&attr);
	} else
		pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	return t;
}

/* task_wait - wait for a task to finish and free its handle */
void
task_wait(task *t)
{
	task_pool *p;
	int64_t t0;

	if (t == NULL)
		return;
	p = t->pool;
	pthread_mutex_lock(&p->lock);
	t0 = t->done ? 0 : deadline_now_us();
	while (!t->done)
		pthread_cond_wait(&t->finished, &p->lock);
	pthread_mutex_unlock(&p->lock);
	/* the background work was waiting for answers, so are we */
	if (t0 != 0)
		deadline_waited(deadline_now_us() - t0);
	pthread_cond_destroy(&t->finished);
	mem_free(t);
}

/* task_pool_free - finish queued work, end the threads, free the pool */
void
task_pool_free(task_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	while (p->threads > 0)
		pthread_cond_wait(&p->gone, &p->lock);
	pthread_mutex_unlock(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->gone);
	pthread_mutex_destroy(&p->lock);
	mem_free(p);
}

/* task_pool_threads - threads alive, and how many are busy */
unsigned
task_pool_threads(task_pool *p, unsigned *busy)
{
	unsigned n;

	pthread_mutex_lock(&p->lock);
	n = p->threads;
	*busy = p->threads - p->idle;
	pthread_mutex_unlock(&p->lock);
	return n;
}
