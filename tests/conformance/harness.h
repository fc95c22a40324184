/*
 * harness - the bookkeeping every conformance suite shares: a pass count
 * per suite checked against a ratchet file (counts can only go up), and
 * a recorded explanation for every failure (none may go unexplained).
 *
 *	harness_begin(name) - read tests/conformance/<name>-ratchet.txt and
 *		<name>-known-failures.txt ("<suite> <test>: <why>" lines).
 *		Returns 77 (automake's "skipped") when the conformance data
 *		is missing and AUTHGATE_REQUIRE_ALL_TESTS is not 1, -1 when
 *		it is missing and required, 0 to go on.
 *	harness_suite(s, name) - start counting one suite.
 *	harness_result(s, test, ok, expected, actual) - count one test;
 *		a failure is printed with expected and actual result and its
 *		recorded explanation, or marked UNEXPLAINED. Passes are
 *		printed too with <NAME>_VERBOSE=1 in the environment.
 *	harness_end_suite(s) - print "<suite>: N/total"; 1 if the count is
 *		below the ratchet or a failure is unexplained, else 0.
 *	harness_end() - release what begin read.
 *	harness_fields(msg, len, field, arg) - split a message (CRLF or LF
 *		line ends) into its header fields the way a milter hands
 *		them over: field(arg, name, value, vlen) per field, value as
 *		after the colon with its folding, without the final line
 *		end. Returns where the body starts (after the empty line;
 *		msg + len when there is none).
 */
#ifndef AUTHGATE_TEST_HARNESS_H
#define AUTHGATE_TEST_HARNESS_H

struct harness_suite {
	const char	*name;
	int		 pass;
	int		 total;
	int		 unexplained;
};

int	harness_begin(const char *, const char *);
void	harness_suite(struct harness_suite *, const char *);
void	harness_result(struct harness_suite *, const char *, int,
	    const char *, const char *);
int	harness_end_suite(struct harness_suite *);
void	harness_end(void);
const char *harness_fields(const char *, size_t,
	    void (*)(void *, const char *, const char *, size_t), void *);

#endif
