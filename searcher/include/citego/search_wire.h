/* The exchange between citego-client and `citego-search --serve`, over a Unix stream socket (C and C++).
 *
 * Request, client to server: the 16 bytes of CITEGO_WIRE_MAGIC, then a field count (uint32), then each field as a
 * length (uint32) and its bytes. Field 0 is the client's working directory, field 1 is how its standard output is
 * read, "TERMINAL WIDTH COLOUR": TERMINAL "1" when it is a terminal and "0" otherwise, WIDTH the width text is
 * wrapped to (at most 4 digits, no leading zero; 0: not wrapped), COLOUR "1" when text may have ANSI bold and "0"
 * otherwise (the rule of text_style.h), and the others are citego-search's arguments (argv without the program name).
 * At most CITEGO_WIRE_MAX_FIELDS fields and CITEGO_WIRE_MAX_BYTES bytes of fields. The whole request must arrive within
 * CITEGO_WIRE_REQUEST_MS of the connection, or the server drops the connection.
 *
 * Reply, server to client, one of:
 * - CITEGO_WIRE_ANSWERED, the exit status (int32), then standard output and standard error, each as a length (uint32)
 *   and its bytes: exactly what citego-search would have written. A server that is busy (too many requests waiting)
 *   answers at once with the error "busy" this way.
 * - CITEGO_WIRE_DECLINED: the server does not answer this command (another database than the one it serves, a --batch
 *   run, an --all export, or no database to serve just now), and the client runs citego-search itself.
 * - CITEGO_WIRE_ACCEPTED, the most milliseconds the client waits for the answer (uint32), and the answer to give if
 *   none comes by then or the connection ends first (exit status and the two outputs, as above); then, later, an
 *   ANSWERED or DECLINED reply. A request the server accepted is never run again by the client.
 * A connection closed before any reply byte is a server that could not be reached: the client runs citego-search.
 *
 * Integers are in the byte order of the machine: both ends run on the same machine.
 */
#ifndef CITEGO_SEARCH_WIRE_H
#define CITEGO_SEARCH_WIRE_H

#define CITEGO_WIRE_MAGIC "citego-search/1\n"
#define CITEGO_WIRE_MAGIC_BYTES 16
#define CITEGO_WIRE_MAX_FIELDS 1024u
#define CITEGO_WIRE_MAX_BYTES (1024u * 1024u)
#define CITEGO_WIRE_REQUEST_MS 500
/* A client that closes its connection before its answer abandons its command (the server stops working on it); one
 * that only shuts down its writing side still gets its answer. */
/* The most bytes of standard output or standard error a reply may carry; a client refuses a longer one. */
#define CITEGO_WIRE_MAX_REPLY_BYTES (64u * 1024u * 1024u)
#define CITEGO_WIRE_ANSWERED 'A'
#define CITEGO_WIRE_DECLINED 'D'
#define CITEGO_WIRE_ACCEPTED 'K'
/* The environment variable that names the socket, when --socket is not given. */
#define CITEGO_WIRE_SOCKET_ENV "CITEGO_SOCKET"

#endif
