/*
 * dmarc_record - DMARC policy records: choosing the record from a TXT set
 * and reading it. We check the record strictly (libopendmarc 1.4.2
 * accepts a record without v=DMARC1 and reads "p=r" as reject) and read
 * what libopendmarc does not know (the DMARCbis tags np=, psd=, t=);
 * libopendmarc parses every record we accept as a cross-check.
 *
 *	dmarc_record_select(answer, text, len) - the one DMARC record of a
 *		TXT answer (starts with "v=DMARC1"): 0 found, 1 none, -1 more
 *		than one (then none counts, RFC 7489 6.6.3, RFC 9989 4.10).
 *	dmarc_record_parse(text, len, mode, rec, err) - read a record.
 *		0: usable; rec->p_invalid says that p= was missing or invalid
 *		but a reporting address makes the record count as p=none.
 *		-1: not a usable record, err says why in plain words.
 *		In DMARC_RFC9989 mode pct=, rf= and ri= are ignored (RFC 9989
 *		removed them) and np=, psd=, t= are read; in DMARC_RFC7489 mode
 *		it is the other way round.
 *	dmarc_disp_name(d) - "none", "quarantine", "reject".
 */
#ifndef AUTHGATE_DMARC_RECORD_H
#define AUTHGATE_DMARC_RECORD_H

#include <stddef.h>

#include "util/str.h"
#include "dns/dns.h"

enum dmarc_mode {
	DMARC_RFC9989, DMARC_RFC7489
};

enum dmarc_disp {
	DMARC_P_UNSET = -1, DMARC_P_NONE, DMARC_P_QUARANTINE, DMARC_P_REJECT
};

struct dmarc_record {
	enum dmarc_disp	 p, sp, np;	/* UNSET when not given */
	char		 adkim, aspf;	/* 'r' or 's' */
	int		 pct;		/* 0..100; RFC 7489 mode */
	char		 psd;		/* 'y', 'n' or 'u' */
	int		 testing;	/* t=y */
	int		 has_rua;	/* a reporting address is given */
	int		 p_invalid;	/* p= missing/invalid, taken as none */
};

int		 dmarc_record_select(const dns_answer *, const char **,
		    size_t *);
int		 dmarc_record_parse(const char *, size_t, enum dmarc_mode,
		    struct dmarc_record *, str *);
const char	*dmarc_disp_name(enum dmarc_disp);

#endif
