/*
 * spf_dns - libspf2's DNS layer: every question libspf2 asks goes to the
 * evaluation in progress (spf_eval.c), which answers from our resolver,
 * so SPF never falls back to libresolv.
 *
 *	spf_dns_layer_create() - the SPF_dns_server_t handed to
 *		SPF_server_new_dns(); one for the whole process.
 *	spf_dns_layer_free(layer)
 *	spf_dns_begin(e) / spf_dns_end() - bracket one evaluation on this
 *		thread. libspf2 evaluates synchronously and its layer has no
 *		per-request pointer, so the evaluation travels in a
 *		thread-local variable.
 * Every lookup returns a record set, never NULL (libspf2 aborts on NULL);
 * temporary failures are TRY_AGAIN, which libspf2 turns into temperror.
 */
#ifndef AUTHGATE_SPF_DNS_H
#define AUTHGATE_SPF_DNS_H

#include "spf/spf_eval.h"

struct SPF_dns_server_struct;

struct SPF_dns_server_struct *spf_dns_layer_create(void);
void	spf_dns_layer_free(struct SPF_dns_server_struct *);
void	spf_dns_begin(struct spf_eval *);
void	spf_dns_end(void);

#endif
