/* Key names: dot/slash forms per sysctl.d(5), globs. */
#include "check.h"
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void norm(const char *raw, const char *want)
{
    char *k = sg_key_normalize(raw);
    CHECK_STR(k, want);
    free(k);
    /* the same of the first LEN bytes of a longer text */
    char in[64], out[64];
    size_t len = strlen(raw);
    snprintf(in, sizeof(in), "%s/x.y", raw);
    CHECK(sg_key_normalize_into(in, len, out) == strlen(want));
    CHECK_STR(out, want);
}

int main(void)
{
    norm("net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_tw_reuse");
    norm("net/ipv4/tcp_tw_reuse", "net.ipv4.tcp_tw_reuse");
    /* first separator "/": dots are literal (VLAN interface eth0.100) */
    norm("net/ipv4/conf/eth0.100/rp_filter",
         "net.ipv4.conf.eth0/100.rp_filter");
    /* first separator ".": slashes are literal dots */
    norm("net.ipv4.conf.eth0/100.rp_filter",
         "net.ipv4.conf.eth0/100.rp_filter");
    norm("/net//core/somaxconn/", "net.core.somaxconn");
    norm("net..core.somaxconn.", "net.core.somaxconn");
    norm("kernel", "kernel");
    norm("...", "");

    CHECK(sg_key_is_glob("net.ipv4.conf.*.rp_filter"));
    CHECK(sg_key_is_glob("net.ipv6.conf.eth?.accept_ra"));
    CHECK(sg_key_is_glob("net.ipv4.conf.[el]*.x"));
    CHECK(!sg_key_is_glob("net.ipv4.conf.ib0:0.arp_filter"));

    CHECK(sg_key_glob_match("net.ipv4.conf.*.rp_filter",
                            "net.ipv4.conf.eth0.rp_filter"));
    /* "*" never crosses a separator */
    CHECK(!sg_key_glob_match("net.*.rp_filter", "net.ipv4.conf.rp_filter"));
    /* a literal dot of an interface name is inside one component */
    CHECK(sg_key_glob_match("net.ipv4.conf.*.rp_filter",
                            "net.ipv4.conf.eth0/100.rp_filter"));
    CHECK(!sg_key_glob_match("net.ipv6.conf.eth?.accept_ra",
                             "net.ipv6.conf.eth10.accept_ra"));

    char *p = sg_key_to_path("net.ipv4.conf.eth0/100.rp_filter");
    CHECK_STR(p, "net/ipv4/conf/eth0.100/rp_filter");
    free(p);
    return check_done("keys");
}
