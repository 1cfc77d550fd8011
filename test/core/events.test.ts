import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChangeFeed, type Topic } from '../../src/core/events.js';

const pending = (feed: ChangeFeed) => (feed as unknown as { timer: unknown }).timer !== null;

t.test('with nobody watching, notify does nothing: no timer, no remembered topic', async (t) => {
  const feed = new ChangeFeed(5);
  for (let i = 0; i < 1000; i++) feed.notify('requests');
  t.equal(feed.size, 0);
  t.notOk(pending(feed), 'no flush is scheduled');
  const heard: Topic[][] = [];
  const stop = feed.watch((topics) => heard.push(topics));
  await sleep(20);
  t.same(heard, [], 'a new watcher hears nothing of what happened before it came');
  stop();
});

t.test('changes are coalesced: one message per flush naming each changed topic once', async (t) => {
  const feed = new ChangeFeed(10);
  const heard: Topic[][] = [];
  const stop = feed.watch((topics) => heard.push(topics));
  feed.notify('requests');
  feed.notify('data');
  feed.notify('requests');
  feed.notify('jobs');
  t.ok(pending(feed));
  await sleep(40);
  t.same(heard, [['requests', 'data', 'jobs']]);
  t.notOk(pending(feed), 'nothing scheduled once flushed');
  feed.notify('control');
  await sleep(40);
  t.same(heard, [['requests', 'data', 'jobs'], ['control']]);
  stop();
});

t.test('the last watcher leaving cancels a pending flush; a throwing watcher does not silence the others', async (t) => {
  const feed = new ChangeFeed(10);
  const heard: Topic[][] = [];
  const stopBad = feed.watch(() => {
    throw new Error('socket gone');
  });
  const stopGood = feed.watch((topics) => heard.push(topics));
  feed.notify('jobs');
  await sleep(40);
  t.same(heard, [['jobs']]);
  feed.notify('jobs');
  stopBad();
  stopGood();
  t.equal(feed.size, 0);
  t.notOk(pending(feed), 'the pending flush went with the last watcher');
});
