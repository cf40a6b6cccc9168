/*
 * test_near.c - "did you mean" (near.h): distances, the limit by length,
 * and suggestions for a command, an option and a rule id.
 */
#include "check.h"
#include "near.h"

int main(void)
{
    CHECK(sg_near_distance("check", "check", 3) == 0);
    CHECK(sg_near_distance("chek", "check", 3) == 1);
    CHECK(sg_near_distance("cehck", "check", 3) == 1); /* a transposition */
    CHECK(sg_near_distance("rot", "root", 3) == 1);
    CHECK(sg_near_distance("", "abc", 3) == 3);
    CHECK(sg_near_distance("abcdefgh", "a", 2) > 2); /* stops past the limit */
    CHECK(sg_near_limit(4) == 1 && sg_near_limit(10) == 2 &&
          sg_near_limit(11) == 3);
    static const char *const cmds[] = {"check", "fix", "plan", NULL, "show"};
    CHECK_STR(sg_near("chek", cmds, 5), "check");
    CHECK_STR(sg_near("shwo", cmds, 5), "show");
    CHECK(sg_near("check", cmds, 5) == NULL); /* a word itself: nothing */
    CHECK(sg_near("report", cmds, 5) == NULL); /* too far */
    /* Far for its length: no suggestion (issue 25: tcp_nodelay was offered
     * tcp_dsack). */
    static const char *const keys[] = {"tcp_dsack", "printk_delay"};
    CHECK(sg_near("tcp_nodelay", keys, 2) == NULL);
    CHECK(sg_near("rr_interval", keys, 2) == NULL);
    static const char *const rules[] = {"tw-recycle-removed", "tw-recycle-nat"};
    CHECK_STR(sg_near("tw-recycle-remove", rules, 2), "tw-recycle-removed");
    return check_done("near");
}
