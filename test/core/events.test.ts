import t from 'tap';
import { ChangeFeed, type Topic } from '../../src/core/events.js';
import { ManualTimers } from '../timers.js';

// The feed's flush timer is a ManualTimers one: a window ends when the test fires it, so coalescing
// and "nothing was scheduled" are asserted exactly, without waiting on wall time.

t.test('with nobody watching, notify does nothing: no timer, no remembered topic', async (t) => {
  const timers = new ManualTimers();
  const feed = new ChangeFeed(5, timers);
  for (let i = 0; i < 1000; i++) feed.notify('requests');
  t.equal(feed.size, 0);
  t.same(timers.pending, [], 'no flush is scheduled');
  const heard: Topic[][] = [];
  const stop = feed.watch((topics) => heard.push(topics));
  t.equal(timers.fire(), 0, 'nothing to fire');
  t.same(heard, [], 'a new watcher hears nothing of what happened before it came');
  stop();
});

t.test('changes are coalesced: one message per flush naming each changed topic once', async (t) => {
  const timers = new ManualTimers();
  const feed = new ChangeFeed(10, timers);
  const heard: Topic[][] = [];
  const stop = feed.watch((topics) => heard.push(topics));
  feed.notify('requests');
  feed.notify('data');
  feed.notify('requests');
  feed.notify('jobs');
  t.same(timers.pending, [{ ms: 10, repeat: false }], 'one flush scheduled for the whole window');
  t.same(heard, [], 'nothing heard before the window ends');
  timers.fire();
  t.same(heard, [['requests', 'data', 'jobs']]);
  t.same(timers.pending, [], 'nothing scheduled once flushed');
  feed.notify('control');
  timers.fire();
  t.same(heard, [['requests', 'data', 'jobs'], ['control']]);
  stop();
});

t.test('the last watcher leaving cancels a pending flush; a throwing watcher does not silence the others', async (t) => {
  const timers = new ManualTimers();
  const feed = new ChangeFeed(10, timers);
  const heard: Topic[][] = [];
  const stopBad = feed.watch(() => {
    throw new Error('socket gone');
  });
  const stopGood = feed.watch((topics) => heard.push(topics));
  feed.notify('jobs');
  timers.fire();
  t.same(heard, [['jobs']]);
  feed.notify('jobs');
  t.equal(timers.pending.length, 1);
  stopBad();
  stopGood();
  t.equal(feed.size, 0);
  t.same(timers.pending, [], 'the pending flush went with the last watcher');
});

t.test('with real timers a flush comes by itself after flushMs', async (t) => {
  const feed = new ChangeFeed(5);
  const heard = new Promise<Topic[]>((resolve) => {
    const stop = feed.watch((topics) => {
      stop();
      resolve(topics);
    });
  });
  // The feed's timer is unref'd (it never holds a process open), so without a ref'd one of our own
  // the process could exit while the flush is pending and the test would end unfinished.
  const keepAlive = setTimeout(() => {}, 10_000);
  feed.notify('faults');
  t.same(await heard, ['faults']);
  clearTimeout(keepAlive);
});
