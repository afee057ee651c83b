#include "core/engine/event_hub.h"

#include <algorithm>

namespace host::remote {

// One subscriber's events not read yet.
struct EventHub::Queue {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<EngineEvent> events;
};

// A subscriber's end of a queue; unsubscribes when destroyed (the hub holds it weakly).
class EventHub::Subscription final : public EventSubscription {
 public:
  explicit Subscription(std::shared_ptr<Queue> queue) : queue_(std::move(queue)) {}

  bool Next(EngineEvent* event, std::chrono::milliseconds wait) override {
    std::unique_lock lock(queue_->mutex);
    if (!queue_->ready.wait_for(lock, wait, [&] { return !queue_->events.empty(); })) return false;
    *event = std::move(queue_->events.front());
    queue_->events.pop_front();
    return true;
  }

 private:
  std::shared_ptr<Queue> queue_;
};

// Splits what is written into lines and publishes each; passes the bytes on to a copy.
class EventHub::LineBuffer final : public std::streambuf {
 public:
  LineBuffer(EventHub* hub, EngineEvent::Kind kind, std::ostream* copy)
      : hub_(hub), kind_(kind), copy_(copy) {}

 protected:
  int overflow(int ch) override {
    if (ch == traits_type::eof()) return traits_type::not_eof(ch);
    const char c = static_cast<char>(ch);
    xsputn(&c, 1);
    return ch;
  }

  std::streamsize xsputn(const char* data, std::streamsize size) override {
    std::lock_guard lock(mutex_);
    if (copy_ != nullptr) copy_->write(data, size);
    for (std::streamsize i = 0; i < size; ++i) {
      if (data[i] != '\n') {
        partial_ += data[i];
        continue;
      }
      // A terminal's carriage returns and clears do not reach clients.
      if (const auto cut = partial_.rfind('\r'); cut != std::string::npos)
        partial_.erase(0, cut + 1);
      hub_->Publish(kind_, std::move(partial_));
      partial_.clear();
    }
    return size;
  }

  int sync() override {
    if (copy_ != nullptr) copy_->flush();
    return 0;
  }

 private:
  EventHub* hub_;
  EngineEvent::Kind kind_;
  std::ostream* copy_;
  std::mutex mutex_;
  std::string partial_;
};

EventHub::EventHub() = default;
EventHub::~EventHub() = default;

std::ostream& EventHub::Stream(EngineEvent::Kind kind, std::ostream* copy) {
  std::lock_guard lock(mutex_);
  buffers_.push_back(std::make_unique<LineBuffer>(this, kind, copy));
  streams_.push_back(std::make_unique<std::ostream>(buffers_.back().get()));
  return *streams_.back();
}

std::unique_ptr<EventSubscription> EventHub::Subscribe() {
  auto queue = std::make_shared<Queue>();
  std::lock_guard lock(mutex_);
  queues_.push_back(queue);
  return std::make_unique<Subscription>(std::move(queue));
}

void EventHub::Publish(EngineEvent::Kind kind, std::string text) {
  std::vector<std::shared_ptr<Queue>> live;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(queues_, [](const std::weak_ptr<Queue>& queue) { return queue.expired(); });
    for (const auto& queue : queues_) {
      if (auto held = queue.lock()) live.push_back(std::move(held));
    }
  }
  for (const auto& queue : live) {
    {
      std::lock_guard lock(queue->mutex);
      if (queue->events.size() >= kBacklog) {  // the oldest goes; the next one says so
        const uint64_t lost = queue->events.front().dropped + 1;
        queue->events.pop_front();
        queue->events.front().dropped += lost;
      }
      queue->events.push_back(EngineEvent{kind, text, 0});
    }
    queue->ready.notify_one();
  }
}

}  // namespace host::remote
