//! The bytes of a calibration cache entry (see [`encode`]): written from an `smc::Posterior`
//! and read back bit for bit, or refused with the reason (another format version or key, a
//! checksum that does not match, a shape the run cannot use, a file that ends early).

use sha2::{Digest, Sha256};

use crate::model::particle::Particle;
use crate::model::projection::REGIONS;
use crate::model::smc::{ObservationBands, ParameterRow, Posterior, Stage};
use crate::model::stats::Band;

/// The version of the entry layout; an entry of another version is ignored.
pub const FORMAT_VERSION: u32 = 2;
/// The first bytes of every entry.
const MAGIC: &[u8; 8] = b"OMVCALIB";

/// What an entry must hold to serve the model that asks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub particles: usize,
    pub latent: usize,
    pub observations: usize,
}

/// The bytes of an entry, all numbers little-endian, `f64` as their bits (so a read entry is
/// the same numbers, bit for bit):
///
/// ```text
/// magic "OMVCALIB", u32 format version, 64 bytes key (hex), u64 payload length, payload,
/// 32 bytes SHA-256 of everything before it.
/// payload: u64 particles n, u64 latent dimension d,
///          n × (d × f64 latent normals, REGIONS × u64 history keys),
///          u8 calibrated, f64 prior ESS,
///          u64 stages, each (f64 temperature, f64 ESS, f64 acceptance, f64 history acceptance,
///                            u64 steps),
///          u64 hindcast rows, each (u64 observation, prior band, optional posterior band,
///                                   predictive band),
///          u64 parameter rows, each (u64 length + UTF-8 name, band, optional band),
///          u64 unique histories, u64 evaluations.
/// band: 3 × f64 (low, median, high); optional band: u8 0, or u8 1 and a band.
/// ```
pub fn encode(key: &str, p: &Posterior) -> Vec<u8> {
    let mut w = Vec::new();
    let d = p.particles.first().map_or(0, |x| x.z.len());
    put_u64(&mut w, p.particles.len() as u64);
    put_u64(&mut w, d as u64);
    for particle in &p.particles {
        particle.z.iter().for_each(|&z| put_f64(&mut w, z));
        particle.history.iter().for_each(|&h| put_u64(&mut w, h));
    }
    w.push(u8::from(p.calibrated));
    put_f64(&mut w, p.prior_ess);
    put_u64(&mut w, p.stages.len() as u64);
    for s in &p.stages {
        for x in [s.temperature, s.ess, s.acceptance, s.history_acceptance] {
            put_f64(&mut w, x);
        }
        put_u64(&mut w, s.steps as u64);
    }
    put_u64(&mut w, p.hindcast.len() as u64);
    for h in &p.hindcast {
        put_u64(&mut w, h.observation as u64);
        put_band(&mut w, &h.prior);
        put_optional_band(&mut w, h.posterior.as_ref());
        put_band(&mut w, &h.predictive);
    }
    put_u64(&mut w, p.parameters.len() as u64);
    for r in &p.parameters {
        put_u64(&mut w, r.name.len() as u64);
        w.extend_from_slice(r.name.as_bytes());
        put_band(&mut w, &r.prior);
        put_optional_band(&mut w, r.posterior.as_ref());
    }
    put_u64(&mut w, p.unique_histories as u64);
    put_u64(&mut w, p.evaluations as u64);

    let mut out = Vec::with_capacity(w.len() + 128);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(key.as_bytes());
    put_u64(&mut out, w.len() as u64);
    out.extend_from_slice(&w);
    let sum = Sha256::digest(&out);
    out.extend_from_slice(&sum);
    out
}

fn put_u64(w: &mut Vec<u8>, x: u64) {
    w.extend_from_slice(&x.to_le_bytes());
}

fn put_f64(w: &mut Vec<u8>, x: f64) {
    w.extend_from_slice(&x.to_bits().to_le_bytes());
}

fn put_band(w: &mut Vec<u8>, b: &Band) {
    for x in [b.low, b.median, b.high] {
        put_f64(w, x);
    }
}

fn put_optional_band(w: &mut Vec<u8>, b: Option<&Band>) {
    match b {
        Some(b) => {
            w.push(1);
            put_band(w, b);
        }
        None => w.push(0),
    }
}

/// The posterior in an entry, checked end to end; the reason when it cannot be trusted.
pub(super) fn decode(bytes: &[u8], key: &str, shape: &Shape) -> Result<Posterior, String> {
    let head = MAGIC.len() + 4 + 64 + 8;
    if bytes.len() < head + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return Err("it is not an omvang calibration entry".into());
    }
    let mut r = Reader {
        bytes: &bytes[..bytes.len() - 32],
        at: MAGIC.len(),
    };
    let version = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(format!(
            "it has format version {version}, this omvang reads {FORMAT_VERSION}"
        ));
    }
    if r.take(64)? != key.as_bytes() {
        return Err("it was made for another key".into());
    }
    let sum = Sha256::digest(&bytes[..bytes.len() - 32]);
    if sum[..] != bytes[bytes.len() - 32..] {
        return Err("its checksum does not match (a damaged or truncated file)".into());
    }
    let length = r.u64()?;
    if length != (r.bytes.len() - r.at) as u64 {
        return Err("its length does not match".into());
    }
    let posterior = payload(&mut r, shape)?;
    if r.at != r.bytes.len() {
        return Err("it has bytes after its end".into());
    }
    Ok(posterior)
}

/// The payload of an entry (see [`encode`]), its shape checked against `shape`.
fn payload(r: &mut Reader<'_>, shape: &Shape) -> Result<Posterior, String> {
    let (n, d) = (r.len(1)?, r.len(1)?);
    if n != shape.particles || d != shape.latent {
        return Err(format!(
            "it holds {n} particles of {d} latent normals, the run needs {} of {}",
            shape.particles, shape.latent
        ));
    }
    r.len_fits(n, (d + REGIONS) * 8)?;
    let mut particles = Vec::with_capacity(n);
    for _ in 0..n {
        let z = (0..d).map(|_| r.f64()).collect::<Result<Vec<_>, _>>()?;
        let mut history = [0u64; REGIONS];
        for h in &mut history {
            *h = r.u64()?;
        }
        particles.push(Particle { z, history });
    }
    let calibrated = r.flag()?;
    let prior_ess = r.f64()?;
    let stage_count = r.len(36)?;
    let stages = (0..stage_count)
        .map(|_| {
            Ok(Stage {
                temperature: r.f64()?,
                ess: r.f64()?,
                acceptance: r.f64()?,
                history_acceptance: r.f64()?,
                steps: r.len(0)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let rows = r.len(33)?;
    if rows != shape.observations {
        return Err(format!(
            "it has {rows} observations, the run's record has {}",
            shape.observations
        ));
    }
    let hindcast = (0..rows)
        .map(|_| {
            let observation = r.len(0)?;
            if observation >= shape.observations {
                return Err("it names an observation the record does not have".to_string());
            }
            Ok(ObservationBands {
                observation,
                prior: r.band()?,
                posterior: r.optional_band()?,
                predictive: r.band()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let parameter_count = r.len(33)?;
    let parameters = (0..parameter_count)
        .map(|_| {
            let length = r.len(1)?;
            let name = String::from_utf8(r.take(length)?.to_vec())
                .map_err(|_| "it has a parameter name that is not UTF-8".to_string())?;
            Ok(ParameterRow {
                name,
                prior: r.band()?,
                posterior: r.optional_band()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Posterior {
        particles,
        calibrated,
        prior_ess,
        stages,
        hindcast,
        parameters,
        unique_histories: r.len(0)?,
        evaluations: r.len(0)?,
    })
}

/// Reads an entry's bytes in order; every read past the end is an error, not a panic.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| "it ends early".to_string())?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn f64(&mut self) -> Result<f64, String> {
        self.u64().map(f64::from_bits)
    }

    fn flag(&mut self) -> Result<bool, String> {
        match self.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(format!("it has {b} where a yes or no belongs")),
        }
    }

    /// A count or index, when `each` bytes per item (at least) fit in what is left.
    fn len(&mut self, each: usize) -> Result<usize, String> {
        let n =
            usize::try_from(self.u64()?).map_err(|_| "it has an impossible count".to_string())?;
        self.len_fits(n, each)?;
        Ok(n)
    }

    fn len_fits(&self, n: usize, each: usize) -> Result<(), String> {
        match n.checked_mul(each) {
            Some(b) if b <= self.bytes.len() - self.at => Ok(()),
            _ => Err("it has a count larger than the file".into()),
        }
    }

    fn band(&mut self) -> Result<Band, String> {
        Ok(Band {
            low: self.f64()?,
            median: self.f64()?,
            high: self.f64()?,
        })
    }

    fn optional_band(&mut self) -> Result<Option<Band>, String> {
        Ok(if self.flag()? {
            Some(self.band()?)
        } else {
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(x: f64) -> Band {
        Band {
            low: x - 1.0,
            median: x,
            high: x + 1.0 / 3.0,
        }
    }

    fn posterior() -> Posterior {
        Posterior {
            particles: (0..3)
                .map(|i| Particle {
                    z: vec![0.1 * i as f64, -1.0 / 3.0, f64::MIN_POSITIVE],
                    history: [i as u64 | 1 << 63; REGIONS],
                })
                .collect(),
            calibrated: true,
            prior_ess: 2.5,
            stages: vec![Stage {
                temperature: 0.25,
                ess: 1.5,
                acceptance: 0.3,
                history_acceptance: 0.9,
                steps: 4,
            }],
            hindcast: vec![
                ObservationBands {
                    observation: 0,
                    prior: band(10.0),
                    posterior: Some(band(11.0)),
                    predictive: band(12.0),
                },
                ObservationBands {
                    observation: 1,
                    prior: band(20.0),
                    posterior: None,
                    predictive: band(21.0),
                },
            ],
            parameters: vec![ParameterRow {
                name: "caseload".into(),
                prior: band(50.0),
                posterior: Some(band(52.0)),
            }],
            unique_histories: 3,
            evaluations: 99,
        }
    }

    const SHAPE: Shape = Shape {
        particles: 3,
        latent: 3,
        observations: 2,
    };

    fn key() -> String {
        "ab".repeat(32)
    }

    #[test]
    fn an_entry_reads_back_bit_for_bit() {
        let p = posterior();
        let bytes = encode(&key(), &p);
        assert_eq!(decode(&bytes, &key(), &SHAPE), Ok(p));
    }

    #[test]
    fn every_damaged_byte_and_every_truncation_is_caught() {
        let bytes = encode(&key(), &posterior());
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x10;
            assert!(decode(&bad, &key(), &SHAPE).is_err(), "byte {i}");
        }
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n], &key(), &SHAPE).is_err(), "length {n}");
        }
    }

    #[test]
    fn another_key_version_or_shape_is_refused() {
        let bytes = encode(&key(), &posterior());
        let other = "cd".repeat(32);
        assert!(decode(&bytes, &other, &SHAPE)
            .unwrap_err()
            .contains("another key"));
        let wide = Shape { latent: 4, ..SHAPE };
        assert!(decode(&bytes, &key(), &wide)
            .unwrap_err()
            .contains("latent normals"));
        let mut old = bytes.clone();
        old[8] = 7;
        assert!(decode(&old, &key(), &SHAPE)
            .unwrap_err()
            .contains("format version 7"));
    }
}
