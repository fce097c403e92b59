// The journal checksums every record with CRC-32C. x86-64 CPUs since 2008 (SSE4.2) compute it
// with one instruction per eight bytes, several times faster than the table-driven code in
// Swift, which stays as the fallback for other CPUs. Only these functions are compiled for
// SSE4.2 and PCLMULQDQ, and they run only after the CPU said it has them, so the binary still
// starts everywhere.
#include "kassa_crc32c.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#include <wmmintrin.h>

// One `crc32` waits three cycles for the one before it, but the CPU can start one every cycle.
// So a long buffer is cut in three streams, each checksummed on its own in one loop, and the
// three results are joined with a carry-less multiplication each. A stream is at most this
// many bytes; a longer buffer goes round again.
enum { STREAM_BYTES_MAX = 4096 };
// Below this, joining costs more than the streams save.
enum { STREAMS_BYTES_MIN = 192 };

// shift_constants[i]: x^(64(i + 1) - 33) mod P (bit-reflected, bit 31 is x^0). A product of a
// register and the constant for (i + 1) words, reduced with `crc32`, is that register moved on
// over (i + 1) words of zeros.
static uint32_t shift_constants[2 * STREAM_BYTES_MAX / 8];
static int pclmul_available;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

// a × b mod P, both bit-reflected.
static uint32_t multiply_mod_p(uint32_t a, uint32_t b) {
    uint32_t m = 1u << 31, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ 0x82F63B78u : b >> 1;
    }
    return p;
}

// x^e mod P, bit-reflected.
static uint32_t x_power_mod_p(uint64_t e) {
    uint32_t result = 1u << 31, square = 1u << 30;
    while (e) {
        if (e & 1) result = multiply_mod_p(result, square);
        square = multiply_mod_p(square, square);
        e >>= 1;
    }
    return result;
}

static void setup(void) {
    __builtin_cpu_init();
    pclmul_available = __builtin_cpu_supports("pclmul") ? 1 : 0;
    for (size_t i = 0; i < sizeof shift_constants / sizeof shift_constants[0]; i++) {
        shift_constants[i] = x_power_mod_p(64 * (i + 1) - 33);
    }
}

int kassa_crc32c_hardware_available(void) {
    pthread_once(&setup_once, setup);
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}

// `crc` moved on over `words` words of zeros, as a 64-bit value for `crc32` to reduce.
__attribute__((target("sse4.2,pclmul")))
static inline uint64_t shifted(uint32_t crc, size_t words) {
    __m128i product = _mm_clmulepi64_si128(_mm_cvtsi32_si128((int)crc), _mm_cvtsi32_si128((int)shift_constants[words - 1]), 0);
    return (uint64_t)_mm_cvtsi128_si64(product);
}

// The register over `3 × words` words at `p`, three streams at once.
__attribute__((target("sse4.2,pclmul")))
static uint64_t three_streams(uint64_t crc, const unsigned char *p, size_t words) {
    const unsigned char *b = p + 8 * words, *c = p + 16 * words;
    uint64_t crc_b = 0, crc_c = 0, word;
    for (size_t i = 0; i + 1 < words; i++) {
        memcpy(&word, p + 8 * i, 8);
        crc = _mm_crc32_u64(crc, word);
        memcpy(&word, b + 8 * i, 8);
        crc_b = _mm_crc32_u64(crc_b, word);
        memcpy(&word, c + 8 * i, 8);
        crc_c = _mm_crc32_u64(crc_c, word);
    }
    size_t last = 8 * (words - 1);
    memcpy(&word, p + last, 8);
    crc = _mm_crc32_u64(crc, word);
    memcpy(&word, b + last, 8);
    crc_b = _mm_crc32_u64(crc_b, word);
    // The third stream's last word takes the first two moved on past the second and third
    // streams: the register is linear in what it is given, so this equals checksumming all
    // of it in one stream.
    memcpy(&word, c + last, 8);
    return _mm_crc32_u64(crc_c, word ^ shifted((uint32_t)crc, 2 * words) ^ shifted((uint32_t)crc_b, words));
}

__attribute__((target("sse4.2,pclmul")))
uint32_t kassa_crc32c_hardware(uint32_t crc, const void *bytes, size_t length) {
    const unsigned char *p = (const unsigned char *)bytes;
    uint64_t c = crc;
    if (pclmul_available) {
        while (length >= STREAMS_BYTES_MIN) {
            size_t words = length / 24;
            if (words > STREAM_BYTES_MAX / 8) words = STREAM_BYTES_MAX / 8;
            c = three_streams(c, p, words);
            p += 24 * words;
            length -= 24 * words;
        }
    }
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);  // unaligned loads are fine on x86-64; memcpy says so to the compiler
        c = _mm_crc32_u64(c, word);
        p += 8;
        length -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (length > 0) {
        c32 = _mm_crc32_u8(c32, *p);
        p += 1;
        length -= 1;
    }
    return c32;
}
#else
int kassa_crc32c_hardware_available(void) { return 0; }

uint32_t kassa_crc32c_hardware(uint32_t crc, const void *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return crc;
}
#endif
