#ifndef VIGIL_CMOSQUITTOREAD_H
#define VIGIL_CMOSQUITTOREAD_H
#include <stddef.h>

/// A receive buffer for one MQTT client's socket, used by libmosquitto's reads while
/// `vigil_read_buffer_begin` is in force on the calling thread (see read.c).
typedef struct vigil_read_buffer vigil_read_buffer;

vigil_read_buffer *vigil_read_buffer_create(void);
void vigil_read_buffer_destroy(vigil_read_buffer *buffer);
/// From now on, on this thread, `read(fd, …)` is served from `buffer`.
void vigil_read_buffer_begin(vigil_read_buffer *buffer, int fd);
/// Ends `begin` on this thread.
void vigil_read_buffer_end(void);
/// Bytes received from the socket that libmosquitto has not read yet.
size_t vigil_read_buffer_pending(const vigil_read_buffer *buffer);
/// Forgets what it holds: the connection it came from has ended.
void vigil_read_buffer_reset(vigil_read_buffer *buffer);

#endif
