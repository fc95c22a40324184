/*
 * callbacks - the libmilter glue: one xxfi_ callback per SMTP event,
 * each moving data between libmilter and the session (session.c).
 *
 *	callbacks_milter - the smfiDesc to register.
 *	callbacks_set_reply(ctx, verdict) - hand a refusal's text to the MTA
 *		(multi-line when needed, '%' escaped as libmilter requires).
 */
#ifndef AUTHGATE_CALLBACKS_H
#define AUTHGATE_CALLBACKS_H

#include <libmilter/mfapi.h>

#include "verdict/verdict.h"

extern struct smfiDesc callbacks_milter;

int	callbacks_set_reply(SMFICTX *, const struct verdict *);

#endif
