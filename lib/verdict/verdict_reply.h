/*
 * verdict_reply - what a verdict carries: the action, the SMTP reply
 * (code, enhanced code, lines of plain words), the exemptions that
 * applied and what report-only checks would have done. The engine
 * (verdict.c) fills it; the wording (verdict_text.c, verdict_ip.c) adds
 * the lines.
 *
 *	verdict_add_line(v, text) - append one reply line, made printable
 *		and cut to VERDICT_LINE_MAX bytes; lines past
 *		VERDICT_MAX_LINES are dropped.
 *	verdict_aside(s, why, max) - append " (why)" when why is not NULL,
 *		made printable and cut to max bytes.
 *	verdict_clear(v) - release the reply lines and notes.
 *
 * Reply lines hold printable ASCII only; '%' is not escaped here (that
 * is the milter glue's job).
 */
#ifndef AUTHGATE_VERDICT_REPLY_H
#define AUTHGATE_VERDICT_REPLY_H

#include <stddef.h>

#include "util/str.h"
#include "verdict/policy.h"

#define VERDICT_MAX_LINES	8
#define VERDICT_LINE_MAX	500

struct verdict {
	enum action	 action;	/* what to answer now */
	enum action	 decided;	/* what the policy wants overall */
	const char	*check;		/* the check that decided, or NULL */
	const char	*code;		/* "550", "451"; NULL otherwise */
	const char	*xcode;		/* "5.7.1", "4.7.1"; NULL otherwise */
	size_t		 nlines;
	char		*lines[VERDICT_MAX_LINES];
	str		 exempt;	/* exemptions applied, "; "-separated */
	unsigned	 exempted;	/* their kinds: bit per exempt_kind */
	str		 would;		/* report-only: what would have been */
};

void		 verdict_add_line(struct verdict *, const char *);
void		 verdict_aside(str *, const char *, size_t);
void		 verdict_clear(struct verdict *);

#endif
