// What Glibc's Swift module does not export: errqueue structures, timestamping flags, the CMSG_* macros,
// ICMPv6 filter macros. Accessors only; the logic lives in Swift (TracemapNet).
#ifndef TRACEMAP_CNETSHIM_H
#define TRACEMAP_CNETSHIM_H
#include <time.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/eventfd.h>
#include <linux/capability.h>
#include <poll.h>

static const int TM_SO_EE_ORIGIN_ICMP = SO_EE_ORIGIN_ICMP;
static const int TM_SO_EE_ORIGIN_ICMP6 = SO_EE_ORIGIN_ICMP6;
static const int TM_SO_EE_ORIGIN_LOCAL = SO_EE_ORIGIN_LOCAL;

/// The control-message walk (CMSG_FIRSTHDR / CMSG_NXTHDR / CMSG_DATA) as functions.
static inline struct cmsghdr *tm_cmsg_firsthdr(struct msghdr *m) { return CMSG_FIRSTHDR(m); }
static inline struct cmsghdr *tm_cmsg_nxthdr(struct msghdr *m, struct cmsghdr *c) { return CMSG_NXTHDR(m, c); }
static inline unsigned char *tm_cmsg_data(struct cmsghdr *c) { return CMSG_DATA(c); }
static inline size_t tm_cmsg_space(size_t len) { return CMSG_SPACE(len); }
static inline size_t tm_cmsg_len(size_t len) { return CMSG_LEN(len); }

/// The offender address that follows a sock_extended_err (SO_EE_OFFENDER).
static inline struct sockaddr *tm_ee_offender(struct sock_extended_err *ee) { return SO_EE_OFFENDER(ee); }

/// ICMPv6 filter macros (RFC 3542 §3.2).
static inline void tm_icmp6_filter_setblockall(struct icmp6_filter *f) { ICMP6_FILTER_SETBLOCKALL(f); }
static inline void tm_icmp6_filter_setpass(int type, struct icmp6_filter *f) { ICMP6_FILTER_SETPASS(type, f); }

/// ppoll(2) with a timeout in nanoseconds (negative: wait without limit); glibc hides ppoll behind _GNU_SOURCE.
int tm_ppoll(struct pollfd *fds, unsigned long count, int64_t timeout_ns);
/// A non-blocking, close-on-exec eventfd(2), and its signal/drain: how a reactor thread is woken from ppoll.
int tm_eventfd(void);
void tm_eventfd_signal(int fd);
void tm_eventfd_drain(int fd);
/// IPv4 raw ICMP socket filter (ICMP_FILTER, linux/icmp.h): only the ICMP types set in `pass_mask` reach it.
int tm_set_icmp_filter(int fd, uint32_t pass_mask);

/// TUN device set-up: TUNSETIFF with IFF_TUN | IFF_NO_PI on an open /dev/net/tun descriptor.
int tm_tun_attach(int fd, const char *name);

/// Whether the process holds CAP_NET_RAW in its effective set (libcap-free: reads capget directly).
int tm_has_cap_net_raw(void);
/// Drops every capability from the effective, permitted and inheritable sets.
int tm_drop_all_caps(void);
#endif
