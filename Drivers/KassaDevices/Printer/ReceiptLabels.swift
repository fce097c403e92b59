/// The fixed words of a printed receipt, in Russian by default; a store may change them.
public struct ReceiptLabels: Hashable, Sendable {
    public var terminal = "Касса"
    public var cashier = "Кассир"
    public var receipt = "Чек"
    public var discount = "Скидка"
    public var subtotal = "Сумма"
    public var totalDiscount = "Скидка"
    public var total = "ИТОГО"
    public var change = "Сдача"
    public var card = "Карта"
    public var pointsEarned = "Начислено баллов"
    public var pointsSpent = "Списано баллов"
    public var balance = "Баланс баллов"
    public var registeredOffline = "Чек зарегистрирован без связи с сервером"

    /// The default labels.
    public init() {}
}
