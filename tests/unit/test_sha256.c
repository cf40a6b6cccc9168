/* sha256: the FIPS 180-4 test vectors (one block, two blocks, the padding
 * boundary at 55/56 bytes, a million bytes), and the digests sha256sum
 * prints for the boundary lengths, which plans compare with. */
#include "check.h"
#include "sha256.h"

#include <stdlib.h>
#include <string.h>

static void digest(const char *s, size_t n, const char *want)
{
    char out[65];
    sg_sha256_hex(s, n, out);
    CHECK_STR(out, want);
}

int main(void)
{
    digest("", 0,
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest("abc", 3,
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest(two, strlen(two),
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    memset(a, 'a', 1000000);
    digest(a, 1000000,
           "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* printf 'a%.0s' $(seq 55) | sha256sum, and for 56, 63, 64 */
    digest(a, 55,
           "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    digest(a, 56,
           "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    digest(a, 63,
           "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
    digest(a, 64,
           "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    free(a);
    return check_done("sha256");
}
