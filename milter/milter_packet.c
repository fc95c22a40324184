/*
 * milter_packet - the packets libmilter must not see; see milter_packet.h.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <libmilter/mfdef.h>

#include "milter_packet.h"

/* packet_nuls - how many NUL bytes the data holds */
static size_t
packet_nuls(const char *buf, size_t len)
{
	size_t i, n;

	for (i = 0, n = 0; i < len; i++)
		if (buf[i] == '\0')
			n++;
	return n;
}

/* milter_packet_check - may libmilter have this packet */
const char *
milter_packet_check(char cmd, const char *buf, size_t len)
{
	size_t n;

	switch (cmd) {
	case SMFIC_MACRO:
		/* the command the macros belong to, then name\0value\0... */
		if (len <= 1)
			return NULL;
		if (buf[len - 1] != '\0')
			return "macro list not NUL-terminated";
		if (packet_nuls(buf + 1, len - 1) % 2 != 0)
			return "macro list with a name but no value";
		return NULL;
	case SMFIC_CONNECT:
		/* host\0, family, and for 4/6/L a port and an address\0:
		 * libmilter looks for the host's NUL one byte past the end */
		if (len == 0)
			return NULL;		/* libmilter refuses it */
		n = strnlen(buf, len);
		if (n + 1 >= len)
			return "connect without its host name's NUL or family";
		if (buf[n + 1] != SMFIA_UNKNOWN && buf[len - 1] != '\0')
			return "connect address not NUL-terminated";
		return NULL;
	case SMFIC_HELO:
	case SMFIC_MAIL:
	case SMFIC_RCPT:
	case SMFIC_HEADER:
	case SMFIC_UNKNOWN:
		if (len > 0 && buf[len - 1] != '\0')
			return "string argument not NUL-terminated";
		return NULL;
	default:
		return NULL;
	}
}
