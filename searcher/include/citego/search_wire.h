/* The exchange between citego-client and `citego-search --serve`, over a Unix stream socket (C and C++).
 *
 * Request, client to server: the 16 bytes of CITEGO_WIRE_MAGIC, then a field count (uint32), then each field as a
 * length (uint32) and its bytes. Field 0 is the client's working directory, field 1 is "1" when the client's standard
 * output is a terminal and "0" otherwise, and the others are citego-search's arguments (argv without the program
 * name). At most CITEGO_WIRE_MAX_FIELDS fields and CITEGO_WIRE_MAX_BYTES bytes of fields.
 *
 * Reply, server to client: one byte. CITEGO_WIRE_ANSWERED is followed by the exit status (int32), then standard
 * output and standard error, each as a length (uint32) and its bytes: exactly what citego-search would have written.
 * CITEGO_WIRE_DECLINED ends the reply: the server does not answer this command (another database than the one it
 * serves, a --batch run, or no database to serve just now), and the client runs citego-search itself.
 *
 * Integers are in the byte order of the machine: both ends run on the same machine.
 */
#ifndef CITEGO_SEARCH_WIRE_H
#define CITEGO_SEARCH_WIRE_H

#define CITEGO_WIRE_MAGIC "citego-search/1\n"
#define CITEGO_WIRE_MAGIC_BYTES 16
#define CITEGO_WIRE_MAX_FIELDS 1024u
#define CITEGO_WIRE_MAX_BYTES (1024u * 1024u)
/* The most bytes of standard output or standard error a reply may carry; a client refuses a longer one. */
#define CITEGO_WIRE_MAX_REPLY_BYTES (64u * 1024u * 1024u)
#define CITEGO_WIRE_ANSWERED 'A'
#define CITEGO_WIRE_DECLINED 'D'
/* The environment variable that names the socket, when --socket is not given. */
#define CITEGO_WIRE_SOCKET_ENV "CITEGO_SOCKET"

#endif
