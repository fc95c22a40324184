/*
 * milter_packet - the milter packets libmilter takes on trust. libmilter
 * 8.17 splits a packet's strings at NUL bytes and hands them on without
 * checking their shape: a macro packet whose list ends with a name and no
 * value makes smfi_getsymval() walk past the end of its array, and a
 * crash of the whole daemon follows from one packet of anyone who can
 * reach the socket. The read of each packet is wrapped (milter_wrap.c),
 * and a packet this module refuses closes that one connection instead.
 *
 *	milter_packet_check(cmd, buf, len) - NULL when libmilter may have
 *		the packet (command byte cmd, len bytes of data after it),
 *		else why not, in plain words for the log: a macro packet
 *		(SMFIC_MACRO) must be empty or hold name/value pairs, each
 *		string NUL-terminated; a connect packet needs its host
 *		name's NUL and a family, and for a family with an address
 *		(4, 6, L) the address's NUL; HELO, MAIL, RCPT, header and
 *		unknown-command packets must end with a NUL. Other commands
 *		are left to libmilter, which checks their lengths itself.
 */
#ifndef AUTHGATE_MILTER_PACKET_H
#define AUTHGATE_MILTER_PACKET_H

#include <stddef.h>

const char	*milter_packet_check(char, const char *, size_t);

#endif
