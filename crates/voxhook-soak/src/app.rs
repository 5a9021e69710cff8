//! The receiver under test: an axum app with a `VoxhookLayer` per route and
//! a handler told, by each event's [`Fate`], to fail or to be late.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use voxhook_axum::{Verified, VoxMl, VoxhookLayer};
use voxhook_core::auth::Auth;
use voxhook_core::pipeline::Receiver;
use voxhook_core::{Event, Provider, voxml};

use crate::ledger::Ledger;
use crate::plan::{Fate, Plan};

/// The events route (VoxPria status callbacks).
pub const EVENTS_PATH: &str = "/voxpria/events";
/// The answer route (TryVox answer URL).
pub const ANSWER_PATH: &str = "/tryvox/answer";
/// The VoxPria webhook secret of the run.
pub const VOXPRIA_SECRET: &str = "whsec_soak_voxpria_secret";
/// The TryVox bearer token of the run.
pub const TRYVOX_TOKEN: &str = "soak-tryvox-token";

/// The handler's side of the run.
#[derive(Debug)]
pub struct Handler {
    /// Where each run is recorded.
    pub ledger: Arc<Ledger>,
    /// Each event's fate.
    pub plan: Plan,
    /// Simulated work of every run (keeps deliveries in flight, so
    /// concurrent duplicates meet a running handler).
    pub work: Duration,
    /// How long a late run takes: past the route's budget.
    pub late_for: Duration,
}

/// The event number in an id such as `call_soak_00000042` or `soak-42`.
pub fn event_number(id: &str) -> Option<u64> {
    id.rsplit(['_', '-']).next()?.parse().ok()
}

impl Handler {
    /// Runs the handler for `event`: `true` for success.
    ///
    /// The rule: an event's first run fails if its fate is [`Fate::FailOnce`]
    /// and is late if its fate is [`Fate::Late`]; every other run succeeds.
    /// A retry of a failed delivery therefore succeeds, and every event ends
    /// up handled.
    pub async fn handle(&self, event: &Event) -> bool {
        let Some((n, slot)) = event
            .call_id()
            .and_then(event_number)
            .and_then(|n| Some((n, self.ledger.slot(n)?)))
        else {
            self.ledger.unknown.fetch_add(1, Ordering::Relaxed);
            return false;
        };
        let first = slot.started.fetch_add(1, Ordering::AcqRel) == 0;
        tokio::time::sleep(self.work).await;
        match (self.plan.fate(n), first) {
            (Fate::FailOnce, true) => {
                slot.failed.fetch_add(1, Ordering::AcqRel);
                return false;
            }
            (Fate::Late, true) => {
                self.ledger.late_started.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(self.late_for).await;
                self.ledger.late_completed.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        slot.succeeded.fetch_add(1, Ordering::AcqRel);
        true
    }
}

/// The two receivers of the app, sharing one dedup store.
#[derive(Debug, Clone)]
pub struct Receivers {
    /// VoxPria, events route.
    pub voxpria: Receiver,
    /// TryVox, answer route.
    pub tryvox: Receiver,
}

impl Receivers {
    /// Builds both on `store`, with `budget` instead of the providers' when given.
    ///
    /// # Errors
    /// A receiver's configuration is invalid.
    pub fn build(
        store: Arc<dyn voxhook_core::dedup::DedupStore>,
        budget: Option<Duration>,
    ) -> Result<Self, voxhook_core::ConfigError> {
        let build = |provider: Provider, auth: Auth| {
            let builder = Receiver::builder(provider)
                .auth(auth)
                .shared_store(store.clone());
            match budget {
                Some(b) => builder.budget(b),
                None => builder,
            }
            .build()
        };
        Ok(Receivers {
            voxpria: build(Provider::VoxPria, Auth::voxpria([VOXPRIA_SECRET]))?,
            tryvox: build(Provider::TryVox, Auth::tryvox([TRYVOX_TOKEN]))?,
        })
    }

    /// Both, for draining.
    pub fn all(&self) -> [&Receiver; 2] {
        [&self.voxpria, &self.tryvox]
    }
}

/// The app: the events route and the answer route.
pub fn router(receivers: &Receivers, handler: Arc<Handler>) -> Router {
    let events = handler.clone();
    let answer = handler;
    Router::new()
        .route(
            EVENTS_PATH,
            post(move |Verified(event): Verified<Event>| async move {
                if events.handle(&event).await {
                    StatusCode::OK
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                }
            })
            .route_layer(VoxhookLayer::events(receivers.voxpria.clone())),
        )
        .route(
            ANSWER_PATH,
            post(move |Verified(event): Verified<Event>| async move {
                if answer.handle(&event).await {
                    let said = format!("soak {}", event.call_id().unwrap_or_default());
                    Ok(VoxMl::from(voxml::Response::new().say(said)))
                } else {
                    Err(StatusCode::INTERNAL_SERVER_ERROR)
                }
            })
            .route_layer(VoxhookLayer::answer(receivers.tryvox.clone())),
        )
}

#[cfg(test)]
mod tests {
    use super::event_number;

    #[test]
    fn event_numbers_come_from_the_id_suffix() {
        let cases = [
            ("voxpria call id", "call_soak_00000042", Some(42)),
            ("tryvox call uuid", "soak-7", Some(7)),
            ("not a number", "soak-x", None),
            ("empty", "", None),
        ];
        for (name, id, want) in cases {
            assert_eq!(event_number(id), want, "{name}");
        }
    }
}
