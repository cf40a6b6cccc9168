/* policy_regex: the policy regex language (policy_regex.h): what is refused at
 * load, and that what is allowed compiles and matches a long value. */
#include "check.h"
#include "policy_regex.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

static int allowed(const char *re)
{
    char why[160];
    return sg_regex_check(re, why, sizeof(why)) == 0;
}

static int refused_for(const char *re, const char *why_part)
{
    char why[160] = "";
    return sg_regex_check(re, why, sizeof(why)) < 0 && strstr(why, why_part);
}

int main(void)
{
    /* The shipped policies' patterns, and ordinary ones. */
    CHECK(allowed("^[[:blank:]]*[0-9]+[[:blank:]]*$"));
    CHECK(allowed("[[:blank:]][#;]"));
    CHECK(allowed("^(0|1|2)$"));
    CHECK(allowed("[]a]{2}"));     /* "]" first in a bracket is literal */
    CHECK(allowed("[^]{(]x{64}")); /* "{" inside a bracket is literal */
    CHECK(allowed("a{2,}"));
    CHECK(allowed("\\{1000\\}"));      /* escaped braces are literal */
    CHECK(allowed("(a{1,30}){1,30}")); /* 900 atoms: under the bound */

    CHECK(refused_for("^(a*)*(b|\\1)*\\1c$", "back-references"));
    CHECK(refused_for("(a)\\2", "back-references"));
    CHECK(refused_for("(a{1,1000}){1,1000}", "bound over 64"));
    CHECK(refused_for("a{65}", "bound over 64"));
    CHECK(refused_for("((a{1,40}){1,40})", "over 1024"));
    CHECK(refused_for("(((a{8}){8}){8}){8}", "over 1024"));
    CHECK(allowed("(((a{8}){8}){8})")); /* 512 */
    CHECK(refused_for("((((((((((a))))))))))", "nested more than 8"));
    char longre[300];
    memset(longre, 'a', sizeof(longre) - 1);
    longre[sizeof(longre) - 1] = '\0';
    CHECK(refused_for(longre, "longer than 256"));

    /* What is allowed compiles, and a nested star over a value of the
     * largest size procps reads is matched (this returns: without
     * back-references glibc does not backtrack exponentially). */
    const char *nasty[] = {"^(a*)*b$", "^(a|aa)*c$", "((a+)+)+x",
                           "(a{1,30}){1,30}y"};
    char *value = malloc(4097);
    memset(value, 'a', 4096);
    value[4096] = '\0';
    for (size_t i = 0; i < sizeof(nasty) / sizeof(*nasty); i++) {
        regex_t re;
        CHECK(allowed(nasty[i]));
        CHECK(regcomp(&re, nasty[i], REG_EXTENDED | REG_NOSUB) == 0);
        CHECK(regexec(&re, value, 0, NULL, 0) == REG_NOMATCH);
        regfree(&re);
    }
    free(value);
    return check_done("policy_regex");
}
