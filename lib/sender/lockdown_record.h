/*
 * lockdown_record - MailChannels "Domain Lockdown" records: the TXT record
 * at _mailchannels.<domain> that names who may send mail for the domain
 * through MailChannels. Reading the record and deciding whether a sender
 * is allowed; the DNS lookup is the caller's.
 *
 * A record is "v=mc1" followed by any number of fields separated by white
 * space (spaces and tabs), each name=value:
 *	auth=<account-id>	the account may send
 *	senderid=<sender id>	this sender may send; a sender ID is
 *				"<account>|x-authuser|<login>" or
 *				"<account>|x-authsender|<address>"
 *	sidw=<pattern>		the sender IDs the pattern matches may send
 *				('*' is any run of characters)
 * Field names are case-insensitive, values are kept as published. Fields
 * are numbered from 1 after the version tag (unknown ones count) in error
 * texts. "v=mc1" alone locks the domain completely: nothing matches.
 *
 *	lockdown_record_is_ours(txt, len) - does this TXT string start a
 *		lockdown record: "v=mc1" (any case) at its first byte, then
 *		a space, a tab or the end. Other TXT strings at the name
 *		(also "v=mc2 ...", "v=mc10", " v=mc1") are not lockdown
 *		records and the caller ignores them. 1 or 0, never fails.
 *	lockdown_record_parse(txt, len, rec, err) - read one record (the
 *		strings of one TXT joined; len counts every byte, NULs too).
 *		0: rec holds the known fields (free it), rec->unknown counts
 *		fields with other names and a valid value, which are ignored
 *		(forward compatibility). -1: not a usable record; err (reset
 *		first) says why, names the field and shows its bytes through
 *		str_append_printable; rec is then empty. Errors: not a lockdown
 *		record; more than LOCKDOWN_MAX_FIELDS fields; a byte that is
 *		not printable ASCII (control characters, DEL, NUL, 8-bit) in
 *		a field; a field that is not name=value, with an empty or
 *		malformed name (letters, digits, '-', '_'), an empty value or
 *		a value longer than LOCKDOWN_MAX_VALUE bytes; a second v=.
 *		Values are otherwise not checked (a senderid's parts are not
 *		split).
 *	lockdown_record_free(rec) - release the fields; rec is left empty
 *		and may be freed again. Never fails.
 *	lockdown_record_match(rec, auth_ids, nauth, sender_ids, nsid) - the
 *		index in rec->v of the first field that allows this sender:
 *		auth= equal to one of auth_ids, senderid= equal to one of
 *		sender_ids, sidw= matching one of sender_ids; -1 if none (and
 *		always for a record without fields). ASCII case-insensitive;
 *		NULL list entries are skipped, a list may be NULL when its
 *		count is 0. Never fails.
 *	lockdown_wildcard_match(pattern, subject) - 1 if pattern matches
 *		all of subject, else 0: '*' matches any run of characters
 *		(empty, '|' and '*' included), every other byte itself, ASCII
 *		case-insensitive. No recursion; at worst O(strlen(pattern) *
 *		strlen(subject)) steps. Never fails.
 *	lockdown_field_kind_name(kind) - "auth", "senderid", "sidw"; "?"
 *		for anything else.
 */
#ifndef AUTHGATE_LOCKDOWN_RECORD_H
#define AUTHGATE_LOCKDOWN_RECORD_H

#include <stddef.h>

#include "util/str.h"

#define LOCKDOWN_MAX_FIELDS	256	/* after v=mc1, unknown ones too */
#define LOCKDOWN_MAX_VALUE	253	/* bytes of one value */

enum lockdown_field_kind {
	LOCKDOWN_AUTH, LOCKDOWN_SENDERID, LOCKDOWN_SIDW
};

struct lockdown_field {
	enum lockdown_field_kind kind;
	char			*value;		/* as published */
};

struct lockdown_record {
	struct lockdown_field	*v;		/* in record order */
	size_t			 n;
	unsigned		 unknown;	/* fields with unknown names,
						 * ignored */
};

int		 lockdown_record_is_ours(const char *, size_t);
int		 lockdown_record_parse(const char *, size_t,
		    struct lockdown_record *, str *);
void		 lockdown_record_free(struct lockdown_record *);
int		 lockdown_record_match(const struct lockdown_record *,
		    const char *const *, size_t, const char *const *, size_t);
int		 lockdown_wildcard_match(const char *, const char *);
const char	*lockdown_field_kind_name(enum lockdown_field_kind);

#endif
