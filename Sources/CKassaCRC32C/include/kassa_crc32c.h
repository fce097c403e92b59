#ifndef KASSA_CRC32C_H
#define KASSA_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU computes CRC-32C in hardware (x86-64 SSE4.2 `crc32`), else 0.
int kassa_crc32c_hardware_available(void);

/// Continues the raw (not inverted) CRC-32C register `crc` over `length` bytes at `bytes` with
/// the CPU's `crc32` instruction, in three interleaved streams joined with `pclmulqdq` when the
/// CPU has it. Call only after `kassa_crc32c_hardware_available()` returned 1: it also makes
/// the tables the streams are joined with.
uint32_t kassa_crc32c_hardware(uint32_t crc, const void *bytes, size_t length);

#endif
