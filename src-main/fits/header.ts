// Ordered cards with keyword lookup (astropy header.py). Long strings split over CONTINUE cards are merged.

import { Card } from './card.ts';
import type { CardValue } from './card.ts';

export class Header {
  /** Every 80-byte record before END, as on disk (COMMENT, HISTORY, blank and CONTINUE cards included). */
  readonly cards: Card[];
  #values: Map<string, CardValue | undefined> | undefined;

  constructor(cards: Card[]) {
    this.cards = cards;
  }

  /** Parses header records (80 bytes each, latin1) up to and excluding END. */
  static fromRecords(text: string): Header {
    const cards: Card[] = [];
    for (let i = 0; i + 80 <= text.length; i += 80) {
      const image = text.slice(i, i + 80);
      if (image.startsWith('END') && image.slice(3).trim() === '') break;
      cards.push(new Card(image));
    }
    return new Header(cards);
  }

  /** Value of the first card with this keyword (case-insensitive), CONTINUE strings merged. */
  get(key: string): CardValue | undefined {
    return this.#index().get(key.toUpperCase());
  }

  has(key: string): boolean {
    return this.#index().has(key.toUpperCase());
  }

  /** EXTNAME, or '' when absent (or not a string): every kind of HDU is named by it. */
  extname(): string {
    const name = this.get('EXTNAME');
    return typeof name === 'string' ? name : '';
  }

  /** The first card with this keyword. */
  card(key: string): Card | undefined {
    const k = key.toUpperCase();
    return this.cards.find((c) => c.keyword === k);
  }

  history(): string[] {
    return this.cards.filter((c) => c.keyword === 'HISTORY').map((c) => c.text);
  }

  comments(): string[] {
    return this.cards.filter((c) => c.keyword === 'COMMENT').map((c) => c.text);
  }

  /** The header as 80-character lines, END included. */
  toString(): string {
    return [...this.cards.map((c) => c.image), 'END'.padEnd(80, ' ')].join('\n');
  }

  #index(): Map<string, CardValue | undefined> {
    if (this.#values) return this.#values;
    const values = new Map<string, CardValue | undefined>();
    const cards = this.cards;
    for (let i = 0; i < cards.length; i++) {
      const card = cards[i];
      if (card.isCommentary || card.keyword === 'CONTINUE') continue;
      let value = card.value;
      // Long-string convention: a string ending in '&' continues in the following CONTINUE cards.
      while (typeof value === 'string' && value.endsWith('&') && cards[i + 1]?.keyword === 'CONTINUE') {
        const next = cards[i + 1].value;
        if (typeof next !== 'string') break;
        value = value.slice(0, -1) + next;
        i++;
      }
      if (!values.has(card.keyword)) values.set(card.keyword, value);
    }
    this.#values = values;
    return values;
  }
}
