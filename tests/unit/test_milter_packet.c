/*
 * test_milter_packet - the milter packets libmilter must not see: a
 * table of packets Postfix sends (kept) and hostile ones (refused, with
 * the reason).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "milter_packet.h"

struct packet_case {
	char		 cmd;
	const char	*data;
	size_t		 len;
	const char	*why;		/* NULL: libmilter may have it */
};

#define P(s)	s, sizeof(s) - 1

static const struct packet_case cases[] = {
	/* what Postfix sends */
	{ 'D', P("Cj\0mx.example\0{daemon_name}\0smtpd\0"), NULL },
	{ 'D', P("M{auth_authen}\0\0i\0ABC\0"), NULL },	/* empty value */
	{ 'D', P("C"), NULL },			/* no macros at all */
	{ 'D', P(""), NULL },			/* libmilter refuses it */
	{ 'H', P("mail.example\0"), NULL },
	{ 'M', P("<a@b.example>\0SIZE=100\0"), NULL },
	{ 'R', P("<c@d.example>\0"), NULL },
	{ 'L', P("Subject\0 hello\0"), NULL },
	{ 'U', P("FOO bar\0"), NULL },
	{ 'C', P("host\0U"), NULL },		/* unknown family: no NUL */
	{ 'C', P("host\0" "4\0\31" "192.0.2.1\0"), NULL },
	{ 'C', P("[2001:db8::1]\0" "6\0\31" "2001:db8::1\0"), NULL },
	{ 'C', P(""), NULL },			/* libmilter refuses it */
	{ 'B', P("body\0with NUL and no end"), NULL },
	{ 'O', P("\0\0\0\6\0\0\1\377\0\0\0\0"), NULL },
	{ 'H', P(""), NULL },			/* libmilter refuses it */
	/* hostile */
	{ 'D', P("C{daemon_name}\0"), "macro list with a name but no value" },
	{ 'D', P("Cj\0x\0k\0"), "macro list with a name but no value" },
	{ 'D', P("Cj\0mx"), "macro list not NUL-terminated" },
	{ 'H', P("mail.example"), "string argument not NUL-terminated" },
	{ 'M', P("<a@b.example>"), "string argument not NUL-terminated" },
	{ 'R', P("<c@d.example>\0x"), "string argument not NUL-terminated" },
	{ 'L', P("Subject\0hello"), "string argument not NUL-terminated" },
	{ 'U', P("FOO"), "string argument not NUL-terminated" },
	{ 'C', P("host"), "connect without its host name's NUL or family" },
	{ 'C', P("host\0"), "connect without its host name's NUL or family" },
	{ 'C', P("host\0" "4\0\31" "192.0.2.1"),
	    "connect address not NUL-terminated" },
};

static void
test_table(void **state)
{
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = milter_packet_check(cases[i].cmd, cases[i].data,
		    cases[i].len);
		if ((why == NULL) != (cases[i].why == NULL) || (why != NULL &&
		    strcmp(why, cases[i].why) != 0))
			fail_msg("case %zu ('%c', %zu bytes): got \"%s\", want "
			    "\"%s\"", i, cases[i].cmd, cases[i].len,
			    why ? why : "(kept)",
			    cases[i].why ? cases[i].why : "(kept)");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
