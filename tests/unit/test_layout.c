/* layout: the sysctl.d directories in sysctl.d(5)'s order with their
 * owners, and who owns a path (what fix may edit in place). */
#include "check.h"
#include "layout.h"

int main(void)
{
    static const char *const order[] = {
        "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
        "/usr/lib/sysctl.d", "/lib/sysctl.d"};
    for (int i = 0; i < SG_N_SYSCTL_DIRS; i++)
        CHECK_STR(sg_layout_dirs[i].path, order[i]);
    CHECK(sg_layout_owner("/etc/sysctl.d/10-a.conf") == SG_OWNER_OPERATOR);
    CHECK(sg_layout_owner(SG_SYSCTL_CONF) == SG_OWNER_OPERATOR);
    CHECK(sg_layout_owner(SG_DROPIN) == SG_OWNER_OPERATOR);
    CHECK(sg_layout_owner("/run/sysctl.d/a.conf") == SG_OWNER_RUNTIME);
    CHECK(sg_layout_owner("/usr/lib/sysctl.d/50-x.conf") == SG_OWNER_PACKAGE);
    CHECK(sg_layout_owner("/usr/local/lib/sysctl.d/x.conf") ==
          SG_OWNER_PACKAGE);
    CHECK(sg_layout_owner("/lib/sysctl.d/x.conf") == SG_OWNER_PACKAGE);
    /* A symlink's target outside the sysctl.d directories. */
    CHECK(sg_layout_owner("/usr/share/x/sysctl.conf") == SG_OWNER_PACKAGE);
    CHECK(sg_layout_owner("/run/x.conf") == SG_OWNER_RUNTIME);
    CHECK(sg_layout_owner("/opt/app/sysctl.conf") == SG_OWNER_OPERATOR);
    CHECK(sg_layout_owner("/usrx/a.conf") == SG_OWNER_OPERATOR);
    CHECK(sg_operator_owns("/etc/sysctl.d/a.conf"));
    CHECK(!sg_operator_owns("/usr/lib/sysctl.d/a.conf"));
    return check_done("layout");
}
