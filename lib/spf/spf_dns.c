/*
 * spf_dns - libspf2 DNS layer over our resolver; see spf_dns.h.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <string.h>

#include <spf2/spf.h>
#include <spf2/spf_dns.h>

#include "util/log.h"
#include "util/mem.h"
#include "dns/dns.h"
#include "spf/spf_dns.h"
#include "spf/spf_eval.h"

static __thread struct spf_eval *spf_dns_current;

/* spf_dns_begin - this thread starts an SPF evaluation */
void
spf_dns_begin(struct spf_eval *e)
{
	spf_dns_current = e;
}

/* spf_dns_end - the evaluation is over */
void
spf_dns_end(void)
{
	spf_dns_current = NULL;
}

/* spf_dns_rrset - an empty record set with a status */
static SPF_dns_rr_t *
spf_dns_rrset(SPF_dns_server_t *layer, const char *domain, ns_type type,
    int ttl, int herrno)
{
	SPF_dns_rr_t *rr;

	rr = SPF_dns_rr_new_init(layer, domain, type, ttl, herrno);
	if (rr == NULL)
		log_fatal("spf: out of memory building a DNS answer");
	return rr;
}

/* spf_dns_lookup - libspf2 asks a question */
static SPF_dns_rr_t *
spf_dns_lookup(SPF_dns_server_t *layer, const char *domain, ns_type type,
    int should_cache)
{
	struct spf_eval *e = spf_dns_current;
	SPF_dns_rr_t *rr;
	dns_answer *a;
	size_t i, len;
	int herrno, n;

	if (e == NULL) {
		log_error("spf: DNS lookup outside an evaluation (bug)");
		return spf_dns_rrset(layer, domain, type, 0, TRY_AGAIN);
	}
	if (type != ns_t_a && type != ns_t_aaaa && type != ns_t_txt &&
	    type != ns_t_mx && type != ns_t_ptr)
		return spf_dns_rrset(layer, domain, type, 0, NO_DATA);
	a = spf_eval_lookup(e, domain, (int)type);
	switch (a->status) {
	case DNS_OK:
		herrno = NETDB_SUCCESS;
		break;
	case DNS_NODATA:
		herrno = NO_DATA;
		break;
	case DNS_NXDOMAIN:
	case DNS_ERROR:		/* a name that cannot exist */
		herrno = HOST_NOT_FOUND;
		break;
	default:
		herrno = TRY_AGAIN;
		break;
	}
	rr = spf_dns_rrset(layer, domain, type, (int)a->ttl, herrno);
	for (i = 0, n = 0; herrno == NETDB_SUCCESS && i < a->count; i++) {
		const dns_rr *r = &a->rr[i];

		switch (type) {
		case ns_t_a:
			len = sizeof(struct in_addr);
			break;
		case ns_t_aaaa:
			len = sizeof(struct in6_addr);
			break;
		case ns_t_txt:
			len = strlen(r->u.txt.data) + 1;
			break;
		case ns_t_mx:
			len = strlen(r->u.mx.host) + 1;
			break;
		default:
			len = strlen(r->u.name) + 1;
			break;
		}
		if (SPF_dns_rr_buf_realloc(rr, n, len) != SPF_E_SUCCESS)
			log_fatal("spf: out of memory building a DNS answer");
		switch (type) {
		case ns_t_a:
			rr->rr[n]->a = r->u.a;
			break;
		case ns_t_aaaa:
			rr->rr[n]->aaaa = r->u.aaaa;
			break;
		case ns_t_txt:
			memcpy(rr->rr[n]->txt, r->u.txt.data, len);
			break;
		case ns_t_mx:
			memcpy(rr->rr[n]->mx, r->u.mx.host, len);
			break;
		default:
			memcpy(rr->rr[n]->ptr, r->u.name, len);
			break;
		}
		n++;
	}
	rr->num_rr = n;
	dns_answer_unref(a);
	return rr;
}

/* spf_dns_layer_create - the layer libspf2 calls for every lookup */
SPF_dns_server_t *
spf_dns_layer_create(void)
{
	SPF_dns_server_t *layer;

	layer = mem_calloc(1, sizeof(*layer));
	layer->destroy = NULL;		/* we own it, not libspf2 */
	layer->lookup = spf_dns_lookup;
	layer->name = "authgate";
	return layer;
}

/* spf_dns_layer_free - release the layer */
void
spf_dns_layer_free(SPF_dns_server_t *layer)
{
	mem_free(layer);
}
