#if canImport(Glibc)
    import Glibc
#endif

/// The weather outside and the temperature of the rooms the assets stand in, as functions of
/// simulated calendar time, so a year of seasons costs nothing to evaluate at any instant.
///
/// `tropical` is a Bangkok-like site (the demo site is `bkk-dc1`): a hot season (March–May), a
/// rainy season (June–October) and a cool season (November–February), with daily swings of 7–11 °C.
/// Batteries live in a conditioned room that follows the outdoors only weakly; pumps live in a
/// ventilated plant room; the cooling tower feels the wet-bulb temperature.
public struct Climate: Sendable, Equatable {
    public enum Season: String, Sendable {
        case cool, hot, rainy
    }

    enum Model: Sendable, Equatable {
        case tropical
        case constant(Double)
    }

    let model: Model
    /// Day of the year (0 = 1 January, 00:00 local) at simulated time 0.
    public let startDayOfYear: Double
    /// The battery room's HVAC setpoint, °C.
    public let roomSetpoint: Double

    /// A tropical monsoon site; `startDayOfYear` sets the calendar, `roomSetpoint` the battery room.
    public static func tropical(startDayOfYear: Double = 0, roomSetpoint: Double = 24) -> Climate {
        Climate(model: .tropical, startDayOfYear: startDayOfYear, roomSetpoint: roomSetpoint)
    }

    /// A climate chamber: outdoors and every room held at `celsius`, for tests of temperature laws.
    public static func constant(celsius: Double) -> Climate {
        Climate(model: .constant(celsius), startDayOfYear: 0, roomSetpoint: celsius)
    }

    /// The battery room follows the outdoors by this fraction around the setpoint (walls, HVAC
    /// capacity), so a hot afternoon shows up as a few tenths of a degree.
    static let roomCoupling = 0.12

    /// Seconds in a day.
    static let day = 86_400.0

    public func season(at elapsed: Double) -> Season {
        let month = Int(dayOfYear(at: elapsed) / (365.25 / 12))
        switch month {
        case 2...4: return .hot
        case 5...9: return .rainy
        default: return .cool
        }
    }

    /// Outdoor dry-bulb temperature, °C: the month's mean plus a daily cosine peaking at 15:00.
    public func outdoorTemperature(at elapsed: Double) -> Double {
        switch model {
        case .constant(let celsius):
            return celsius
        case .tropical:
            let (high, low, _) = normals(at: elapsed)
            let hour = (dayOfYear(at: elapsed) - floor(dayOfYear(at: elapsed))) * 24
            return (high + low) / 2 + (high - low) / 2 * cos(2 * Double.pi * (hour - 15) / 24)
        }
    }

    /// Wet-bulb temperature, °C: Stull's (2011) fit at the day's mean temperature and the month's
    /// relative humidity, then a third of the dry-bulb swing, since the dew point barely moves over
    /// a day. It is what a cooling tower can cool the condenser water towards.
    func wetBulb(at elapsed: Double) -> Double {
        switch model {
        case .constant(let celsius):
            return celsius - 5
        case .tropical:
            let (high, low, rh) = normals(at: elapsed)
            let t = (high + low) / 2
            let mean =
                t * atan(0.151_977 * (rh + 8.313_659).squareRoot()) + atan(t + rh) - atan(rh - 1.676_331)
                + 0.003_918_38 * pow(rh, 1.5) * atan(0.023_101 * rh) - 4.686_035
            return mean + 0.35 * (outdoorTemperature(at: elapsed) - t)
        }
    }

    /// The conditioned battery room with its HVAC working, °C.
    func roomTemperature(at elapsed: Double) -> Double {
        switch model {
        case .constant(let celsius): return celsius
        case .tropical: return roomSetpoint + Self.roomCoupling * (outdoorTemperature(at: elapsed) - 28)
        }
    }

    /// The ventilated plant room around pumps: halfway between outdoors and 30 °C of machine heat.
    func plantRoomTemperature(at elapsed: Double) -> Double {
        switch model {
        case .constant(let celsius): return celsius
        case .tropical: return 0.5 * outdoorTemperature(at: elapsed) + 0.5 * 30 + 2
        }
    }

    /// Cooling load as a fraction of the chiller's design capacity: a data centre's IT load is
    /// nearly flat, the envelope and fresh-air gains follow the outdoor temperature.
    func coolingLoad(at elapsed: Double) -> Double {
        let outdoor = outdoorTemperature(at: elapsed)
        let hour = (elapsed / Self.day - floor(elapsed / Self.day)) * 24
        let office = 0.03 * max(0, sin(Double.pi * (hour - 7) / 12))
        return min(0.98, max(0.5, 0.74 + 0.02 * (outdoor - 28) + office))
    }

    private func dayOfYear(at elapsed: Double) -> Double {
        let day = startDayOfYear + elapsed / Self.day
        return day - 365.25 * floor(day / 365.25)
    }

    /// Monthly normals (mean daily high, mean daily low, relative humidity %) interpolated linearly
    /// between mid-month anchors; Bangkok's climatology, rounded.
    private func normals(at elapsed: Double) -> (high: Double, low: Double, humidity: Double) {
        let monthLength = 365.25 / 12
        let position = dayOfYear(at: elapsed) / monthLength - 0.5
        let base = floor(position)
        let fraction = position - base
        let first = (Int(base) + 12) % 12
        let second = (first + 1) % 12
        func blend(_ values: [Double]) -> Double { values[first] + (values[second] - values[first]) * fraction }
        return (blend(Self.highs), blend(Self.lows), blend(Self.humidity))
    }

    private static let highs = [32.5, 33.3, 34.3, 35.4, 34.4, 33.6, 33.2, 32.9, 32.6, 32.4, 32.0, 31.6]
    private static let lows = [21.9, 24.0, 25.6, 26.8, 26.3, 26.0, 25.7, 25.5, 25.2, 24.9, 23.5, 21.5]
    private static let humidity = [69.0, 71, 72, 72, 75, 76, 77, 78, 80, 80, 75, 70]
}
