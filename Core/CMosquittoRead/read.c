// libmosquitto 2.0 reads each packet with separate `read` calls: its command byte, each byte of
// its length, then its body. For a subscriber taking thousands of small messages a second that
// is three or four system calls a message, most of a network thread's time. libmosquitto offers
// no hook for its reads, so this file defines `read` itself, which the dynamic linker then gives
// libmosquitto in place of glibc's. Only a thread inside `vigil_read_buffer_begin`, reading the
// one socket named there, is served from the buffer, which is filled with one `recv` of up to
// 64 KiB; every other call goes straight to the system call, as glibc's `read` would.
#define _GNU_SOURCE
#include "CMosquittoRead.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct vigil_read_buffer {
    int fd;
    size_t start;
    size_t end;
    unsigned char bytes[65536];
};

static __thread vigil_read_buffer *current;

vigil_read_buffer *vigil_read_buffer_create(void) {
    vigil_read_buffer *buffer = malloc(sizeof *buffer);
    if (buffer != NULL) {
        buffer->fd = -1;
        buffer->start = 0;
        buffer->end = 0;
    }
    return buffer;
}

void vigil_read_buffer_destroy(vigil_read_buffer *buffer) { free(buffer); }

void vigil_read_buffer_begin(vigil_read_buffer *buffer, int fd) {
    if (buffer->fd != fd) {
        buffer->fd = fd;
        buffer->start = 0;
        buffer->end = 0;
    }
    current = buffer;
}

void vigil_read_buffer_end(void) { current = NULL; }

size_t vigil_read_buffer_pending(const vigil_read_buffer *buffer) { return buffer->end - buffer->start; }

void vigil_read_buffer_reset(vigil_read_buffer *buffer) {
    buffer->fd = -1;
    buffer->start = 0;
    buffer->end = 0;
}

ssize_t read(int fd, void *destination, size_t count) {
    vigil_read_buffer *buffer = current;
    if (buffer == NULL || fd != buffer->fd || count == 0) {
        return syscall(SYS_read, fd, destination, count);
    }
    if (buffer->start == buffer->end) {
        // A body as big as the buffer goes straight to its place.
        if (count >= sizeof buffer->bytes) {
            return recv(fd, destination, count, 0);
        }
        ssize_t received = recv(fd, buffer->bytes, sizeof buffer->bytes, 0);
        if (received <= 0) {
            return received;  // errno as recv left it: EAGAIN when the socket ran dry
        }
        buffer->start = 0;
        buffer->end = (size_t)received;
    }
    size_t available = buffer->end - buffer->start;
    size_t taken = count < available ? count : available;
    memcpy(destination, buffer->bytes + buffer->start, taken);
    buffer->start += taken;
    return (ssize_t)taken;
}
