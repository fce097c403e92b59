// The journal encoding of imported receipts, and the snapshot encoding of which receipts of
// which imports were applied. Field order is the format: append, never reorder.

extension BinaryWriter {
    /// An imported receipt as journaled.
    public mutating func write(_ r: ImportedSaleRecord) {
        let s = r.sale
        write(s.importID); writeVarint(UInt64(s.ordinal))
        write(s.id); write(s.store); write(s.terminal); write(s.at)
        write(s.customer) { $0.write($1) }
        writeVarint(s.total)
        write(s.lines) { w, line in w.write(line.sku); w.write(line.qty); w.writeVarint(line.price) }
        write(r.categories) { $0.write($1) }
        write(r.enrolled) { $0.write($1) }
    }

    /// The applied receipts of every import, in import id order (so equal states encode equally).
    public mutating func write(_ imports: SalesImports) {
        let ids = imports.applied.keys.sorted()
        write(ids) { w, id in
            w.write(id)
            w.write(imports.applied[id] ?? []) { w, run in
                w.writeVarint(UInt64(run.lowerBound))
                w.writeVarint(UInt64(run.upperBound - run.lowerBound))
            }
        }
    }
}

extension BinaryReader {
    /// An imported receipt as journaled.
    public mutating func readImportedSaleRecord() throws(DecodeError) -> ImportedSaleRecord {
        let importID = try readString()
        guard let ordinal = UInt32(exactly: try readVarint()) else { throw DecodeError("import ordinal out of range", offset: offset) }
        let id = try readString(), store = try readString(), terminal = try readString()
        let at = try readTimestamp()
        let customer = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCard() }
        let total = try readSignedVarint()
        let lines = try readArray { (r: inout BinaryReader) throws(DecodeError) in
            ImportedLine(sku: try r.readSKU(), qty: try r.readQuantity(), price: try r.readSignedVarint())
        }
        let categories = try readArray { (r: inout BinaryReader) throws(DecodeError) in try r.readString() }
        guard categories.count == lines.count else { throw DecodeError("an imported receipt's categories do not match its lines", offset: offset) }
        let enrolled = try readOptional { (r: inout BinaryReader) throws(DecodeError) in try r.readCustomer() }
        let sale = ImportedSale(importID: importID, ordinal: ordinal, id: id, store: store, terminal: terminal, at: at,
                                customer: customer, total: total, lines: lines)
        return ImportedSaleRecord(sale: sale, categories: categories, enrolled: enrolled)
    }

    /// The applied receipts of every import.
    public mutating func readSalesImports() throws(DecodeError) -> SalesImports {
        var imports = SalesImports()
        let count = try readCount()
        for _ in 0..<count {
            let id = try readString()
            let runs = try readArray { (r: inout BinaryReader) throws(DecodeError) -> Range<UInt32> in
                let lower = try r.readVarint(), length = try r.readVarint()
                let (end, overflow) = lower.addingReportingOverflow(length)
                guard length > 0, !overflow, let low = UInt32(exactly: lower), let high = UInt32(exactly: end) else {
                    throw DecodeError("an import's applied run is out of range", offset: r.offset)
                }
                return low..<high
            }
            imports.load(id, runs: runs)
        }
        return imports
    }
}
