//! [`within`]: a deadline race that costs no timer when the future is ready at once.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep, sleep_until};

/// Runs `future` until `deadline`: `Ok` with its output, or `Err(Elapsed)`
/// when the deadline came first.
///
/// The same contract as `tokio::time::timeout_at` (the future is polled
/// before the deadline is checked, so a ready future wins even past the
/// deadline), but the timer is only created once the future has returned
/// `Pending`. Most of voxhook's steps (authentication, an in-memory dedup
/// claim, a quick handler) finish on their first poll, and then the
/// deadline costs one comparison instead of a timer registration.
///
/// ```
/// use std::time::Duration;
/// use tokio::time::Instant;
/// use voxhook_core::deadline::within;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let soon = Instant::now() + Duration::from_secs(1);
/// assert_eq!(within(soon, async { 7 }).await, Ok(7));
/// assert!(within(soon, std::future::pending::<()>()).await.is_err());
/// # }
/// ```
pub fn within<F: Future>(deadline: Instant, future: F) -> Within<F> {
    Within {
        future,
        deadline,
        grace: false,
        timer: None,
    }
}

/// Like [`within`], for a future whose input usually arrives just after its
/// first poll: when that poll returns `Pending`, the task wakes itself and
/// the future is polled once more before the timer is created.
///
/// actix-web calls a service as soon as a request head is parsed and feeds
/// the body to the payload stream right after that first poll, so a body
/// read raced with [`within`] armed (and then cancelled) a timer on every
/// request. The deadline still holds: a future that is still pending on its
/// second poll gets its timer then.
///
/// ```
/// use std::time::Duration;
/// use tokio::time::Instant;
/// use voxhook_core::deadline::within_grace;
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let soon = Instant::now() + Duration::from_secs(1);
/// let mut polls = 0;
/// let second_poll = std::future::poll_fn(|_| {
///     polls += 1;
///     if polls == 2 { std::task::Poll::Ready(7) } else { std::task::Poll::Pending }
/// });
/// assert_eq!(within_grace(soon, second_poll).await, Ok(7));
/// assert!(within_grace(soon, std::future::pending::<()>()).await.is_err());
/// # }
/// ```
pub fn within_grace<F: Future>(deadline: Instant, future: F) -> Within<F> {
    Within {
        grace: true,
        ..within(deadline, future)
    }
}

pin_project! {
    /// The future [`within`] returns.
    #[must_use = "futures do nothing unless polled"]
    pub struct Within<F> {
        #[pin]
        future: F,
        deadline: Instant,
        // One more poll allowed before the timer is created (`within_grace`).
        grace: bool,
        // Boxed: created only when needed, and it keeps `Within` small.
        timer: Option<Pin<Box<Sleep>>>,
    }
}

impl<F: Future> Future for Within<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if std::mem::take(this.grace) {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let deadline = *this.deadline;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(sleep_until(deadline)));
        timer.as_mut().poll(cx).map(|()| Err(Elapsed(())))
    }
}

impl<F> fmt::Debug for Within<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Within")
            .field("deadline", &self.deadline)
            .field("timer_started", &self.timer.is_some())
            .finish_non_exhaustive()
    }
}

/// The deadline of [`within`] passed before the future finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline elapsed")
    }
}

impl Error for Elapsed {}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn races_the_future_against_the_deadline() {
        let start = Instant::now();
        let at = start + Duration::from_secs(2);

        // Ready at once: no timer, even with the deadline already past.
        assert_eq!(within(start, async { 1 }).await, Ok(1));

        // Finishes before the deadline after waiting.
        let before = within(at, async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            2
        });
        assert_eq!(before.await, Ok(2));
        assert_eq!(Instant::now(), start + Duration::from_secs(1));

        // Still running at the deadline: elapsed exactly then.
        let late = within(at, async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            3
        });
        assert_eq!(late.await, Err(Elapsed(())));
        assert_eq!(Instant::now(), at);
    }

    #[tokio::test(start_paused = true)]
    async fn only_starts_a_timer_once_the_future_waits() {
        let at = Instant::now() + Duration::from_secs(1);
        let mut ready = Box::pin(within(at, async { 1 }));
        assert_eq!(poll_once(ready.as_mut()).await, Poll::Ready(Ok(1)));
        assert!(ready.timer.is_none());

        let mut waiting = Box::pin(within(at, std::future::pending::<()>()));
        assert!(poll_once(waiting.as_mut()).await.is_pending());
        assert!(waiting.timer.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn grace_polls_once_more_before_starting_a_timer() {
        let at = Instant::now() + Duration::from_secs(1);
        let mut polls = 0;
        let second_poll = std::future::poll_fn(move |_| {
            polls += 1;
            if polls == 2 {
                Poll::Ready(2)
            } else {
                Poll::Pending
            }
        });
        let mut graced = Box::pin(within_grace(at, second_poll));
        assert!(poll_once(graced.as_mut()).await.is_pending());
        assert!(graced.timer.is_none(), "no timer on the first Pending");
        assert_eq!(poll_once(graced.as_mut()).await, Poll::Ready(Ok(2)));
        assert!(graced.timer.is_none());

        // Still pending on the second poll: the timer starts, the deadline holds.
        let mut waiting = Box::pin(within_grace(at, std::future::pending::<()>()));
        assert!(poll_once(waiting.as_mut()).await.is_pending());
        assert!(waiting.timer.is_none());
        assert!(poll_once(waiting.as_mut()).await.is_pending());
        assert!(waiting.timer.is_some());
        assert_eq!(waiting.await, Err(Elapsed(())));
        assert_eq!(Instant::now(), at);
    }

    #[tokio::test]
    async fn grace_wakes_the_task_so_the_second_poll_happens() {
        // Without the self-wake this would hang: nothing else wakes the task.
        let mut polls = 0;
        let silent_once = std::future::poll_fn(move |_| {
            polls += 1;
            if polls == 2 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        });
        let at = Instant::now() + Duration::from_secs(3600);
        let done = tokio::time::timeout(Duration::from_secs(5), within_grace(at, silent_once));
        assert_eq!(done.await, Ok(Ok(())));
    }

    async fn poll_once<F: Future>(mut f: Pin<&mut F>) -> Poll<F::Output> {
        std::future::poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx))).await
    }
}
