#define _GNU_SOURCE
#include "CNetShim.h"
#include <poll.h>
#include <linux/icmp.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int tm_tun_attach(int fd, const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    return ioctl(fd, TUNSETIFF, &ifr);
}

int tm_has_cap_net_raw(void) {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0) return 0;
    return (data[CAP_NET_RAW / 32].effective >> (CAP_NET_RAW % 32)) & 1;
}

int tm_drop_all_caps(void) {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    return (int)syscall(SYS_capset, &hdr, data);
}

int tm_ppoll(struct pollfd *fds, unsigned long count, int64_t timeout_ns) {
    if (timeout_ns < 0) return ppoll(fds, count, NULL, NULL);
    struct timespec ts = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
    return ppoll(fds, count, &ts, NULL);
}

int tm_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void tm_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written = write(fd, &one, sizeof one);
    (void)written;
}

void tm_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t got = read(fd, &value, sizeof value);
    (void)got;
}

int tm_set_icmp_filter(int fd, uint32_t pass_mask) {
    struct icmp_filter filter = { ~pass_mask };
    return setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter);
}
