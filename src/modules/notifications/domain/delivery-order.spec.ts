import { deliveryStreamOf, gate, toWake } from './delivery-order';

const LOT = '3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5b';
const EVENT = '11111111-2222-4333-8444-555555555555';

describe('deliveryStreamOf', () => {
  it('puts every event naming the same lot in one stream, whatever its type or aggregate', () => {
    const offer = deliveryStreamOf({ id: EVENT, payload: { lotId: LOT, offerId: 'x' } });
    const delivery = deliveryStreamOf({
      id: 'a1a1a1a1-2222-4333-8444-555555555555',
      payload: { lotId: LOT.toUpperCase(), dealId: 'y' },
    });
    expect(offer).toEqual({ key: `lot:${LOT}`, lotId: LOT });
    expect(delivery).toEqual(offer);
  });

  it('makes an event without a lot its own stream', () => {
    expect(deliveryStreamOf({ id: EVENT, payload: { webhookId: 'w' } })).toEqual({
      key: `event:${EVENT}`,
      lotId: null,
    });
    // Not a lot id: no stream to share, rather than one shared by every malformed event.
    for (const lotId of ['', 'lot-1', 42, null, { id: LOT }]) {
      expect(deliveryStreamOf({ id: EVENT, payload: { lotId } }).key).toBe(`event:${EVENT}`);
    }
  });
});

describe('gate', () => {
  it('sends the earliest pending event of the stream only, and only while the hook is on', () => {
    expect(gate('e1', { eventId: 'e1', waiting: false }, true)).toBe('send');
    expect(gate('e2', { eventId: 'e1', waiting: false }, true)).toBe('wait');
    expect(gate('e1', { eventId: 'e1', waiting: true }, false)).toBe('wait');
    // Its own row gone from the pending ones (done meanwhile): nothing to send.
    expect(gate('e1', undefined, true)).toBe('wait');
  });
});

describe('toWake', () => {
  it('starts the new head only when its job already ended waiting', () => {
    expect(toWake({ eventId: 'e2', waiting: true })).toBe('e2');
    expect(toWake({ eventId: 'e2', waiting: false })).toBeNull();
    expect(toWake(undefined)).toBeNull();
  });
});
